package dev.berth.build.context;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of a {@code .dockerignore} file, with its exact pattern semantics ({@code **}, {@code !} exceptions, the
 * last matching line winning, paths cleaned and relative to the context).
 *
 * <p>Each line is a pattern; a line whose first character is {@code #} is a comment, blank lines are skipped,
 * whitespace around a pattern is trimmed, and the pattern is cleaned as a path ({@code ./a/../b} is {@code b}) with
 * one leading {@code /} dropped. {@code *} matches any run of characters but {@code /}, {@code ?} one such character,
 * {@code [a-c]} / {@code [^a-c]} / {@code [!a-c]} a character class (never {@code /}), {@code \} makes the next
 * character literal, and {@code **} any number of directories ({@code **}{@code /*.go}, {@code a/**}{@code /b},
 * {@code dir/**}). A pattern that matches a directory also matches everything under it. The last pattern that
 * matches a path decides: a plain pattern excludes it, a {@code !pattern} brings it back.
 */
public final class DockerIgnore {
    private record Rule(String pattern, boolean exception, Pattern regex, List<String> segments,
                        List<Pattern> segmentRegexes, int line) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Parses the file's text; {@code file} names it in errors. */
    public static DockerIgnore parse(String file, String text) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = n == 0 && lines[n].startsWith("\uFEFF") ? lines[n].substring(1) : lines[n];
            if (line.startsWith("#")) {
                continue;
            }
            String pattern = line.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exception = pattern.startsWith("!");
            if (exception) {
                pattern = pattern.substring(1).strip();
                if (pattern.isEmpty()) {
                    throw new BuildException(file + ":" + (n + 1) + ": '!' without a pattern after it");
                }
            }
            pattern = clean(pattern);
            if (pattern.length() > 1 && pattern.startsWith("/")) {
                pattern = pattern.substring(1);
            }
            String where = file + ":" + (n + 1) + ": " + line.strip();
            List<String> segments = List.of(pattern.split("/", -1));
            List<Pattern> segmentRegexes = new ArrayList<>();
            for (String s : segments) {
                segmentRegexes.add(Pattern.compile(regex(s, where)));
            }
            rules.add(new Rule(pattern, exception, Pattern.compile(regex(pattern, where)), segments, segmentRegexes,
                    n + 1));
        }
        return new DockerIgnore(rules);
    }

    /** No rules: nothing is excluded. */
    public static DockerIgnore none() {
        return new DockerIgnore(List.of());
    }

    /** Whether there are no rules. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether a path (relative to the context, '/'-separated, no leading "./") is left out of the context. */
    public boolean excludes(String relativePath) {
        String path = relative(relativePath);
        return lastMatch(path) >= 0 && !rules.get(lastMatch(path)).exception();
    }

    /**
     * Whether a directory that {@link #excludes excluded} may still hold files an exception ({@code !pattern})
     * brings back, so a walk must descend into it. True too for a directory that is not excluded.
     */
    public boolean mayIncludeBelow(String relativeDirectory) {
        String dir = relative(relativeDirectory);
        int last = lastMatch(dir);
        if (last < 0 || rules.get(last).exception()) {
            return true;
        }
        List<String> parts = List.of(dir.split("/"));
        for (int r = last + 1; r < rules.size(); r++) {
            Rule rule = rules.get(r);
            if (rule.exception() && couldMatchBelow(rule, 0, parts, 0)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the last rule matching {@code path} or one of its parent directories, or -1. */
    private int lastMatch(String path) {
        List<String> prefixes = new ArrayList<>();
        int slash = path.indexOf('/');
        while (slash >= 0) {
            prefixes.add(path.substring(0, slash));
            slash = path.indexOf('/', slash + 1);
        }
        int last = -1;
        for (int r = 0; r < rules.size(); r++) {
            Pattern regex = rules.get(r).regex();
            boolean match = regex.matcher(path).matches();
            for (int p = 0; !match && p < prefixes.size(); p++) {
                match = regex.matcher(prefixes.get(p)).matches();
            }
            if (match) {
                last = r;
            }
        }
        return last;
    }

    /** Whether some path strictly below {@code dir} (or an ancestor of one) can match the rule's segments. */
    private static boolean couldMatchBelow(Rule rule, int i, List<String> dir, int j) {
        if (j == dir.size() || i == rule.segments().size()) {
            return true;
        }
        String segment = rule.segments().get(i);
        if (segment.equals("**")) {
            return couldMatchBelow(rule, i + 1, dir, j) || couldMatchBelow(rule, i, dir, j + 1);
        }
        if (segment.contains("**")) {
            return true;
        }
        return rule.segmentRegexes().get(i).matcher(dir.get(j)).matches()
                && couldMatchBelow(rule, i + 1, dir, j + 1);
    }

    private static String relative(String path) {
        String p = clean(path);
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p;
    }

    /** Lexical path cleaning: no empty, "." or "dir/.." elements, no trailing slash; "" becomes ".". */
    static String clean(String path) {
        boolean rooted = path.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.getLast().equals("..")) {
                    out.removeLast();
                } else if (!rooted) {
                    out.add(part);
                }
                continue;
            }
            out.add(part);
        }
        String joined = String.join("/", out);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    /** The pattern as a Java regular expression matching whole paths. */
    private static String regex(String pattern, String where) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i++);
            switch (c) {
                case '*' -> {
                    if (i < pattern.length() && pattern.charAt(i) == '*') {
                        i++;
                        if (i < pattern.length() && pattern.charAt(i) == '/') {
                            i++;
                        }
                        b.append(i >= pattern.length() ? ".*" : "(?:.*/)?");
                    } else {
                        b.append("[^/]*");
                    }
                }
                case '?' -> b.append("[^/]");
                case '\\' -> {
                    if (i < pattern.length()) {
                        b.append(Pattern.quote(String.valueOf(pattern.charAt(i++))));
                    } else {
                        b.append("\\\\");
                    }
                }
                case '[' -> i = characterClass(pattern, i, b, where);
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }

    /** Appends the class starting after '[' at {@code i}; returns the index after its ']'. */
    private static int characterClass(String pattern, int i, StringBuilder b, String where) {
        StringBuilder cls = new StringBuilder("[");
        if (i < pattern.length() && (pattern.charAt(i) == '^' || pattern.charAt(i) == '!')) {
            cls.append('^');
            i++;
        }
        int members = 0;
        while (true) {
            if (i >= pattern.length()) {
                throw new BuildException(where + ": unterminated character class (expected ']')");
            }
            char c = pattern.charAt(i++);
            if (c == ']' && members > 0) {
                break;
            }
            if (c == ']') {
                throw new BuildException(where + ": empty character class []");
            }
            if (c == '\\') {
                if (i >= pattern.length()) {
                    throw new BuildException(where + ": unterminated character class (expected ']')");
                }
                c = pattern.charAt(i++);
            }
            if (c == '/') {
                throw new BuildException(where + ": a character class can not hold '/'");
            }
            cls.append(escapeInClass(c));
            members++;
            if (i + 1 < pattern.length() && pattern.charAt(i) == '-' && pattern.charAt(i + 1) != ']') {
                char hi = pattern.charAt(i + 1);
                i += 2;
                if (hi == '\\') {
                    if (i >= pattern.length()) {
                        throw new BuildException(where + ": unterminated character class (expected ']')");
                    }
                    hi = pattern.charAt(i++);
                }
                if (hi < c) {
                    throw new BuildException(where + ": bad range " + c + "-" + hi + " in a character class");
                }
                cls.append('-').append(escapeInClass(hi));
            }
        }
        cls.append(']');
        // A class never matches the separator, negated or not.
        b.append("(?!/)").append(cls);
        return i;
    }

    private static String escapeInClass(char c) {
        return Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c;
    }
}
