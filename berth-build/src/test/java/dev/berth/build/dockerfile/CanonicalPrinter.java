package dev.berth.build.dockerfile;

import dev.berth.build.dockerfile.Instruction.Command;
import dev.berth.build.dockerfile.Instruction.CopySpec;
import dev.berth.build.dockerfile.Instruction.Heredoc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A stable, readable text form of a parsed Dockerfile for the corpus's {@code .expected} files: directives first,
 * then one instruction per line, {@code line:column KEYWORD fields}, strings quoted with Java escapes.
 */
final class CanonicalPrinter {
    private CanonicalPrinter() {
    }

    static String print(Dockerfile d) {
        List<String> out = new ArrayList<>();
        if (d.escape() != '\\') {
            out.add("escape " + q(String.valueOf(d.escape())));
        }
        new TreeMap<>(d.directives()).forEach((k, v) -> out.add("directive " + k + "=" + q(v)));
        for (Instruction.Arg a : d.globalArgs()) {
            out.add(line(a));
        }
        for (Stage s : d.stages()) {
            out.add("stage " + s.index() + s.name().map(n -> " " + n).orElse(""));
            out.add(line(s.from()));
            for (Instruction i : s.instructions()) {
                out.add(line(i));
            }
        }
        return String.join("\n", out) + "\n";
    }

    static String line(Instruction i) {
        return i.position().line() + ":" + i.position().column() + " " + i.keyword() + body(i);
    }

    private static String body(Instruction i) {
        StringBuilder b = new StringBuilder();
        switch (i) {
            case Instruction.From f -> {
                b.append(" image=").append(q(f.image()));
                opt(b, "name", f.stageName());
                opt(b, "platform", f.platform());
            }
            case Instruction.Run r -> {
                for (Instruction.RunMount m : r.mounts()) {
                    b.append(" mount(type=").append(q(m.type()));
                    opt(b, "target", m.target());
                    new TreeMap<>(m.options()).forEach((k, v) -> b.append(' ').append(k).append('=').append(q(v)));
                    b.append(')');
                }
                opt(b, "network", r.network());
                opt(b, "security", r.security());
                b.append(' ').append(command(r.command()));
                heredocs(b, r.heredocs());
            }
            case Instruction.Cmd c -> b.append(' ').append(command(c.command()));
            case Instruction.Entrypoint e -> b.append(' ').append(command(e.command()));
            case Instruction.Shell s -> b.append(' ').append(list(s.shell()));
            case Instruction.Label l -> l.pairs().forEach(p -> b.append(' ').append(q(p.key())).append('=')
                    .append(q(p.value())));
            case Instruction.Env e -> e.pairs().forEach(p -> b.append(' ').append(q(p.key())).append('=')
                    .append(q(p.value())));
            case Instruction.Maintainer m -> b.append(' ').append(q(m.name()));
            case Instruction.User u -> b.append(' ').append(q(u.user()));
            case Instruction.Workdir w -> b.append(' ').append(q(w.path()));
            case Instruction.Stopsignal s -> b.append(' ').append(q(s.signal()));
            case Instruction.Onbuild o -> b.append(' ').append(q(o.trigger()));
            case Instruction.Expose e -> b.append(' ').append(list(e.ports()));
            case Instruction.Volume v -> b.append(' ').append(list(v.paths()));
            case Instruction.Arg a -> a.declarations().forEach(d -> {
                b.append(' ').append(d.name());
                if (d.defaultValue() != null) {
                    b.append('=').append(q(d.defaultValue()));
                }
            });
            case Instruction.Add a -> {
                opt(b, "checksum", a.checksum());
                if (a.keepGitDir()) {
                    b.append(" keep-git-dir");
                }
                spec(b, a.spec());
            }
            case Instruction.Copy c -> {
                opt(b, "from", c.from());
                spec(b, c.spec());
            }
            case Instruction.Healthcheck h -> {
                if (h.check() == null) {
                    b.append(" NONE");
                } else {
                    var c = h.check();
                    opt(b, "interval", c.interval() == null ? null : c.interval().toString());
                    opt(b, "timeout", c.timeout() == null ? null : c.timeout().toString());
                    opt(b, "start-period", c.startPeriod() == null ? null : c.startPeriod().toString());
                    opt(b, "start-interval", c.startInterval() == null ? null : c.startInterval().toString());
                    if (c.retries() != null) {
                        b.append(" retries=").append(c.retries());
                    }
                    b.append(' ').append(command(c.test()));
                }
            }
        }
        return b.toString();
    }

    private static void spec(StringBuilder b, CopySpec s) {
        opt(b, "chown", s.chown());
        opt(b, "chmod", s.chmod());
        if (s.link()) {
            b.append(" link");
        }
        if (s.parents()) {
            b.append(" parents");
        }
        if (!s.excludes().isEmpty()) {
            b.append(" excludes=").append(list(s.excludes()));
        }
        b.append(" sources=").append(list(s.sources()));
        b.append(" dest=").append(q(s.destination()));
        heredocs(b, s.heredocs());
    }

    private static void heredocs(StringBuilder b, List<Heredoc> heredocs) {
        for (Heredoc h : heredocs) {
            b.append(" heredoc(").append(q(h.name()));
            if (!h.expand()) {
                b.append(" literal");
            }
            if (h.chompTabs()) {
                b.append(" chomp");
            }
            b.append(' ').append(q(h.content())).append(')');
        }
    }

    private static String command(Command c) {
        return switch (c) {
            case Command.ShellForm s -> "shell " + q(s.script());
            case Command.ExecForm e -> "exec " + list(e.args());
        };
    }

    private static void opt(StringBuilder b, String name, String value) {
        if (value != null) {
            b.append(' ').append(name).append('=').append(q(value));
        }
    }

    static String list(List<String> values) {
        return values.stream().map(CanonicalPrinter::q).collect(Collectors.joining(",", "[", "]"));
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String options(Map<String, String> m) {
        return new TreeMap<>(m).toString();
    }
}
