package dev.berth.build.dockerfile;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One Dockerfile instruction as parsed. Words hold the text as written: quotes, escapes and {@code $VAR} references
 * are still in them, because what they mean depends on ARG and ENV values known only while building;
 * {@link Expander#expand(Instruction)} returns the same instruction with them substituted and quotes removed, for the
 * instructions the Dockerfile reference says substitute (ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER,
 * VOLUME, WORKDIR, ARG defaults, and the flags of ADD/COPY/RUN). Exceptions, decoded at parse time: exec-form
 * arguments (JSON strings), heredoc bodies, and flag names.
 *
 * <p>Nullable fields are marked; lists are never null.
 */
public sealed interface Instruction {
    /** Where the instruction's keyword is. */
    SourcePosition position();

    /**
     * The instruction as written, continuation lines joined with their line breaks and escape characters removed,
     * heredoc bodies left out: what build output prints after {@code [2/7]} and what history records.
     */
    String source();

    /** The keyword, upper case ("RUN"). */
    default String keyword() {
        String name = getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        return name;
    }

    /** {@code FROM [--platform=P] image [AS name]}; {@code image} may be {@code scratch} or an earlier stage's name. */
    record From(SourcePosition position, String source, String image, /* nullable */ String stageName,
                /* nullable */ String platform) implements Instruction {
    }

    /**
     * {@code RUN [--mount=…]… [--network=…] [--security=…] command}.
     *
     * @param network {@code default}, {@code none} or {@code host}; null when not given
     * @param security {@code sandbox} or {@code insecure}; null when not given
     * @param heredocs bodies of {@code <<EOF} documents named in the command, in order
     */
    record Run(SourcePosition position, String source, Command command, List<RunMount> mounts,
               /* nullable */ String network, /* nullable */ String security, List<Heredoc> heredocs)
            implements Instruction {
        public Run {
            mounts = List.copyOf(mounts);
            heredocs = List.copyOf(heredocs);
        }
    }

    /** {@code CMD}. */
    record Cmd(SourcePosition position, String source, Command command) implements Instruction {
    }

    /** {@code ENTRYPOINT}. */
    record Entrypoint(SourcePosition position, String source, Command command) implements Instruction {
    }

    /** {@code LABEL k=v …}. */
    record Label(SourcePosition position, String source, List<KeyValue> pairs) implements Instruction {
        public Label {
            pairs = List.copyOf(pairs);
        }
    }

    /** {@code MAINTAINER name} (deprecated; becomes the config's author). */
    record Maintainer(SourcePosition position, String source, String name) implements Instruction {
    }

    /** {@code EXPOSE 80 443/tcp 7000-7002/udp}: one word per port or range, as written. */
    record Expose(SourcePosition position, String source, List<String> ports) implements Instruction {
        public Expose {
            ports = List.copyOf(ports);
        }
    }

    /** {@code ENV k=v …} or the legacy {@code ENV k v w}. */
    record Env(SourcePosition position, String source, List<KeyValue> pairs) implements Instruction {
        public Env {
            pairs = List.copyOf(pairs);
        }
    }

    /**
     * {@code ADD [--checksum=sha256:…] [--keep-git-dir] [copy flags] src… dest}.
     *
     * @param checksum the {@code --checksum} value, or null
     */
    record Add(SourcePosition position, String source, CopySpec spec, /* nullable */ String checksum,
               boolean keepGitDir) implements Instruction {
    }

    /**
     * {@code COPY [--from=stage|image] [copy flags] src… dest}.
     *
     * @param from the {@code --from} value, or null for the build context
     */
    record Copy(SourcePosition position, String source, CopySpec spec, /* nullable */ String from)
            implements Instruction {
    }

    /** {@code VOLUME ["/a", "/b"]} or {@code VOLUME /a /b}. */
    record Volume(SourcePosition position, String source, List<String> paths) implements Instruction {
        public Volume {
            paths = List.copyOf(paths);
        }
    }

    /** {@code USER name[:group]}. */
    record User(SourcePosition position, String source, String user) implements Instruction {
    }

    /** {@code WORKDIR path}. */
    record Workdir(SourcePosition position, String source, String path) implements Instruction {
    }

    /** {@code ARG name[=default] …}. */
    record Arg(SourcePosition position, String source, List<ArgDeclaration> declarations) implements Instruction {
        public Arg {
            declarations = List.copyOf(declarations);
        }
    }

    /** {@code ONBUILD instruction}: the trigger text, parsed only when an image built from this one uses it. */
    record Onbuild(SourcePosition position, String source, String trigger) implements Instruction {
    }

    /** {@code STOPSIGNAL signal}. */
    record Stopsignal(SourcePosition position, String source, String signal) implements Instruction {
    }

    /** {@code HEALTHCHECK [options] CMD command}, or {@code HEALTHCHECK NONE} when {@code check} is null. */
    record Healthcheck(SourcePosition position, String source, /* nullable */ HealthcheckSpec check)
            implements Instruction {
    }

    /** {@code SHELL ["executable", "parameters"]}. */
    record Shell(SourcePosition position, String source, List<String> shell) implements Instruction {
        public Shell {
            shell = List.copyOf(shell);
        }
    }

    /** A command in exec form (a JSON array) or shell form (the text, run by the stage's SHELL). */
    sealed interface Command {
        /** Shell form: the command text as written, line continuations removed. */
        record ShellForm(String script) implements Command {
        }

        /** Exec form: the JSON array's strings, decoded. */
        record ExecForm(List<String> args) implements Command {
            public ExecForm {
                args = List.copyOf(args);
            }
        }
    }

    /**
     * A here-document.
     *
     * @param name the delimiter word ("EOF")
     * @param content the body, lines ending in newline; leading tabs already removed for {@code <<-}
     * @param expand whether variables in the body are substituted (false when the delimiter was quoted)
     * @param chompTabs whether it was written {@code <<-}
     */
    record Heredoc(String name, String content, boolean expand, boolean chompTabs) {
    }

    /**
     * The source/destination part of ADD and COPY, with the flags both share.
     *
     * @param sources the sources as written (globs, URLs for ADD); empty when only heredocs are copied
     * @param destination the destination as written
     * @param chown {@code --chown} value or null
     * @param chmod {@code --chmod} value or null
     * @param link {@code --link}
     * @param parents {@code --parents}
     * @param excludes {@code --exclude} patterns, in order
     * @param heredocs {@code COPY <<EOF /file} bodies; each becomes a file named after its delimiter
     */
    record CopySpec(List<String> sources, String destination, /* nullable */ String chown,
                    /* nullable */ String chmod, boolean link, boolean parents, List<String> excludes,
                    List<Heredoc> heredocs) {
        public CopySpec {
            sources = List.copyOf(sources);
            excludes = List.copyOf(excludes);
            heredocs = List.copyOf(heredocs);
        }
    }

    /**
     * A {@code RUN --mount=…}.
     *
     * @param type {@code bind} (the default), {@code cache}, {@code tmpfs}, {@code secret} or {@code ssh}
     * @param target where it is mounted in the container ({@code target}, {@code dst} or {@code destination});
     *     may be null for secrets, which default to {@code /run/secrets/ID}
     * @param options every other key, lower-cased, synonyms folded ({@code src} is {@code source}, {@code ro} is
     *     {@code readonly}, {@code readwrite} is {@code rw}): {@code source}, {@code from}, {@code id}, {@code rw},
     *     {@code readonly}, {@code sharing}, {@code mode}, {@code uid}, {@code gid}, {@code size}, {@code required},
     *     {@code env}; values as written until expanded; a key given without a value maps to "true"
     */
    record RunMount(String type, /* nullable */ String target, Map<String, String> options) {
        public RunMount {
            options = Map.copyOf(options);
        }
    }

    /** {@code key=value} of ENV and LABEL, both as written until expanded. */
    record KeyValue(String key, String value) {
    }

    /** One name of an ARG, with its default as written, or null without one. */
    record ArgDeclaration(String name, /* nullable */ String defaultValue) {
    }

    /**
     * HEALTHCHECK's options (null when not given) and command.
     */
    record HealthcheckSpec(Command test, /* nullable */ Duration interval, /* nullable */ Duration timeout,
                           /* nullable */ Duration startPeriod, /* nullable */ Duration startInterval,
                           /* nullable */ Integer retries) {
    }
}
