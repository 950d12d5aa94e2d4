package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Dockerfile as the Dockerfile reference defines the language. Errors name the file, line and column and
 * what was expected.
 *
 * <p>The file is read in two layers: parser directives at the very top, then logical lines (continuation lines
 * joined with the escape character, comment lines and empty lines inside continuations dropped), each turned into
 * an instruction by {@link InstructionParser}. Here-document bodies follow the line that names them.
 */
public final class DockerfileParser {
    private static final Pattern DIRECTIVE =
            Pattern.compile("[ \\t]*#[ \\t]*([A-Za-z][A-Za-z0-9]*)[ \\t]*=[ \\t]*(.*?)[ \\t]*");
    private static final List<String> DIRECTIVES = List.of("syntax", "escape", "check");

    private final String file;
    private final List<String> lines;
    private int next;
    private char escape = '\\';

    private DockerfileParser(String file, String text) {
        this.file = file;
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> ls = new ArrayList<>(List.of(t.split("\r?\n", -1)));
        if (!ls.isEmpty() && ls.getLast().isEmpty()) {
            ls.removeLast();
        }
        this.lines = ls;
    }

    /**
     * Parses {@code text}, naming it {@code file} in errors.
     *
     * @throws BuildException on any syntax error, unknown instruction, or a file without FROM
     */
    public static Dockerfile parse(String file, String text) {
        return new DockerfileParser(file, text).dockerfile();
    }

    /**
     * Parses an ONBUILD trigger (from {@link Instruction.Onbuild#trigger()} or a base image's config) as the
     * instruction it names, for the build that runs it. Positions count from {@code at}, the trigger's start.
     *
     * @throws BuildException when the trigger is not a valid instruction, or is ONBUILD, FROM or MAINTAINER
     */
    public static Instruction parseTrigger(String trigger, char escape, SourcePosition at) {
        LogicalLine.Builder b = new LogicalLine.Builder(at.file());
        for (int i = 0; i < trigger.length(); i++) {
            b.append(trigger.charAt(i), at.line(), at.column() + i);
        }
        b.end(at.line(), at.column() + trigger.length());
        LogicalLine line = b.build();
        String keyword = InstructionParser.keyword(line);
        if (keyword.equals("ONBUILD") || keyword.equals("FROM") || keyword.equals("MAINTAINER")) {
            throw new BuildException(at + ": ONBUILD " + keyword + " is not allowed");
        }
        return InstructionParser.parse(line, escape, (m, l) -> {
            throw new BuildException(l.at(m.offset()) + ": heredocs are not supported in ONBUILD");
        });
    }

    private Dockerfile dockerfile() {
        Map<String, String> directives = directives();
        List<Instruction.Arg> globalArgs = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        Instruction.From from = null;
        List<Instruction> body = new ArrayList<>();
        Map<String, Instruction.From> names = new LinkedHashMap<>();
        while (true) {
            LogicalLine line = logicalLine();
            if (line == null) {
                break;
            }
            Instruction instruction = InstructionParser.parse(line, escape, this::heredoc);
            if (instruction instanceof Instruction.From f) {
                if (from != null) {
                    stages.add(new Stage(stages.size(), from, body));
                    body = new ArrayList<>();
                }
                if (f.stageName() != null) {
                    Instruction.From earlier = names.putIfAbsent(f.stageName(), f);
                    if (earlier != null) {
                        throw new BuildException(f.position() + ": duplicate stage name " + f.stageName()
                                + " (first used at " + earlier.position() + ")");
                    }
                }
                from = f;
            } else if (from != null) {
                body.add(instruction);
            } else if (instruction instanceof Instruction.Arg a) {
                globalArgs.add(a);
            } else if (globalArgs.isEmpty()) {
                throw new BuildException(instruction.position() + ": " + instruction.keyword()
                        + " before FROM: a Dockerfile starts with FROM (only ARG may come before it)");
            } else {
                throw new BuildException(instruction.position() + ": " + instruction.keyword()
                        + " before FROM: ARG before FROM may only be followed by FROM or another ARG");
            }
        }
        if (from == null) {
            throw new BuildException(new SourcePosition(file, 1, 1) + ": no FROM instruction");
        }
        stages.add(new Stage(stages.size(), from, body));
        return new Dockerfile(file, escape, directives, globalArgs, stages);
    }

    /** Reads the parser directives at the top; the first line that is not one ends them. */
    private Map<String, String> directives() {
        Map<String, String> directives = new LinkedHashMap<>();
        Map<String, Integer> where = new LinkedHashMap<>();
        while (next < lines.size()) {
            Matcher m = DIRECTIVE.matcher(lines.get(next));
            if (!m.matches()) {
                break;
            }
            String key = m.group(1).toLowerCase(Locale.ROOT);
            if (!DIRECTIVES.contains(key)) {
                // An unknown directive is a comment, and like any comment it ends the directives.
                break;
            }
            SourcePosition at = new SourcePosition(file, next + 1, lines.get(next).indexOf('#') + 1);
            if (directives.containsKey(key)) {
                throw new BuildException(at + ": the " + key + " directive may appear only once (first on line "
                        + where.get(key) + ")");
            }
            String value = m.group(2);
            if (key.equals("escape")) {
                if (!value.equals("\\") && !value.equals("`")) {
                    throw new BuildException(at + ": escape=" + value + ": the escape character must be \\ or `");
                }
                escape = value.charAt(0);
            }
            directives.put(key, value);
            where.put(key, next + 1);
            next++;
        }
        return directives;
    }

    private static boolean skippable(String line) {
        String s = line.strip();
        return s.isEmpty() || s.startsWith("#");
    }

    /** The next instruction's text, continuation lines joined; null at the end of the file. */
    private LogicalLine logicalLine() {
        while (next < lines.size() && skippable(lines.get(next))) {
            next++;
        }
        if (next >= lines.size()) {
            return null;
        }
        LogicalLine.Builder b = new LogicalLine.Builder(file);
        boolean first = true;
        while (next < lines.size()) {
            String l = lines.get(next);
            int lineNo = next + 1;
            next++;
            int start = 0;
            if (first) {
                while (start < l.length() && RawWords.isSpace(l.charAt(start))) {
                    start++;
                }
                first = false;
            }
            int end = l.length();
            while (end > start && (l.charAt(end - 1) == ' ' || l.charAt(end - 1) == '\t')) {
                end--;
            }
            boolean continues = end > start && l.charAt(end - 1) == escape;
            int stop = continues ? end - 1 : l.length();
            for (int i = start; i < stop; i++) {
                b.append(l.charAt(i), lineNo, i + 1);
            }
            b.end(lineNo, stop + 1);
            if (!continues) {
                break;
            }
            // Comment lines and empty lines inside a continuation are dropped.
            while (next < lines.size() && skippable(lines.get(next))) {
                next++;
            }
        }
        return b.build();
    }

    /** Reads the body of the heredoc {@code marker}, from the line after the instruction (or the previous body). */
    private Instruction.Heredoc heredoc(HeredocMarker marker, LogicalLine line) {
        StringBuilder content = new StringBuilder();
        while (next < lines.size()) {
            String l = lines.get(next++);
            if (marker.chompTabs()) {
                int i = 0;
                while (i < l.length() && l.charAt(i) == '\t') {
                    i++;
                }
                l = l.substring(i);
            }
            if (l.equals(marker.name())) {
                return new Instruction.Heredoc(marker.name(), content.toString(), !marker.quoted(),
                        marker.chompTabs());
            }
            content.append(l).append('\n');
        }
        String written = line.text().substring(marker.offset(), marker.end());
        throw new BuildException(line.at(marker.offset()) + ": unterminated heredoc " + written
                + " started here (expected a line " + marker.name() + " before the end of the file)");
    }
}
