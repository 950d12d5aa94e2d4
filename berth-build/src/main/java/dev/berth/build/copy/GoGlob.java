package dev.berth.build.copy;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.List;

/**
 * A COPY/ADD source pattern with the rules of Go's {@code filepath.Match}, which the Dockerfile reference names:
 * {@code *} any run of characters but '/', {@code ?} one character but '/', {@code [...]} a class with ranges and
 * {@code ^} negation, {@code \} escaping the next character. Patterns are matched one path component at a time; with
 * {@code doubleStar} a whole component {@code **} also matches any number of components (what {@code COPY --parents}
 * documents), otherwise it is just two stars.
 */
final class GoGlob {
    private final List<String> components;
    private final boolean doubleStar;

    private GoGlob(List<String> components, boolean doubleStar) {
        this.components = components;
        this.doubleStar = doubleStar;
    }

    /** Compiles a '/'-separated relative pattern; a malformed one (an unclosed '[', a trailing '\') is refused. */
    static GoGlob compile(String pattern, boolean doubleStar) {
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split("/")) {
            if (!part.isEmpty()) {
                validate(part, pattern);
                parts.add(part);
            }
        }
        return new GoGlob(List.copyOf(parts), doubleStar);
    }

    /** Whether a path component holds an unescaped '*', '?' or '['. */
    static boolean hasWildcard(String component) {
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /** How many components the pattern has. */
    int size() {
        return components.size();
    }

    /** Whether paths deeper than {@link #size()} components can match. */
    boolean matchesAnyDepth() {
        return doubleStar && components.contains("**");
    }

    /** Whether the relative path (components) matches the whole pattern. */
    boolean matches(List<String> path) {
        return matchFrom(0, path, 0);
    }

    private boolean matchFrom(int p, List<String> path, int s) {
        if (p == components.size()) {
            return s == path.size();
        }
        String pattern = components.get(p);
        if (doubleStar && pattern.equals("**")) {
            for (int skip = s; skip <= path.size(); skip++) {
                if (matchFrom(p + 1, path, skip)) {
                    return true;
                }
            }
            return false;
        }
        return s < path.size() && matchComponent(pattern, 0, path.get(s), 0) && matchFrom(p + 1, path, s + 1);
    }

    /** One component against one name, backtracking on '*'. */
    static boolean matchComponent(String pattern, int pi, String name, int ni) {
        while (pi < pattern.length()) {
            char c = pattern.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi < pattern.length() && pattern.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == pattern.length()) {
                        return true;
                    }
                    for (int k = ni; k <= name.length(); k++) {
                        if (matchComponent(pattern, pi, name, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (ni >= name.length()) {
                        return false;
                    }
                    ni += Character.charCount(name.codePointAt(ni));
                    pi++;
                }
                case '[' -> {
                    if (ni >= name.length()) {
                        return false;
                    }
                    int cp = name.codePointAt(ni);
                    int end = classEnd(pattern, pi);
                    if (!classMatches(pattern, pi + 1, end, cp)) {
                        return false;
                    }
                    ni += Character.charCount(cp);
                    pi = end + 1;
                }
                default -> {
                    if (c == '\\') {
                        pi++;
                    }
                    if (ni >= name.length()) {
                        return false;
                    }
                    int pc = pattern.codePointAt(pi);
                    if (pc != name.codePointAt(ni)) {
                        return false;
                    }
                    pi += Character.charCount(pc);
                    ni += Character.charCount(pc);
                }
            }
        }
        return ni == name.length();
    }

    /** The index of the ']' closing the class that starts at {@code open}. */
    private static int classEnd(String pattern, int open) {
        int i = open + 1;
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            i++;
        }
        boolean first = true;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == ']' && !first) {
                return i;
            }
            if (c == '\\') {
                i++;
            }
            i++;
            first = false;
        }
        return -1;
    }

    private static boolean classMatches(String pattern, int from, int end, int cp) {
        boolean negated = pattern.charAt(from) == '^';
        int i = negated ? from + 1 : from;
        boolean matched = false;
        while (i < end) {
            int[] lo = escapedCodePoint(pattern, i);
            i = lo[1];
            int hi = lo[0];
            if (i < end && pattern.charAt(i) == '-') {
                int[] h = escapedCodePoint(pattern, i + 1);
                hi = h[0];
                i = h[1];
            }
            if (lo[0] <= cp && cp <= hi) {
                matched = true;
            }
        }
        return matched != negated;
    }

    private static int[] escapedCodePoint(String pattern, int i) {
        if (pattern.charAt(i) == '\\') {
            i++;
        }
        int cp = pattern.codePointAt(i);
        return new int[] {cp, i + Character.charCount(cp)};
    }

    /** Refuses what Go reports as ErrBadPattern: unclosed or empty classes, bad ranges, a dangling escape. */
    private static void validate(String part, String pattern) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '\\') {
                if (i + 1 >= part.length()) {
                    throw bad(pattern, "it ends with an escaping '\\'");
                }
                i++;
            } else if (c == '[') {
                int end = classEnd(part, i);
                int start = i + 1 + (i + 1 < part.length() && part.charAt(i + 1) == '^' ? 1 : 0);
                if (end < 0 || end == start) {
                    throw bad(pattern, "a '[' class is not closed");
                }
                for (int j = start; j < end; ) {
                    int[] lo = escapedCodePoint(part, j);
                    j = lo[1];
                    if (j < end && part.charAt(j) == '-') {
                        if (j + 1 >= end) {
                            throw bad(pattern, "a range in a '[' class has no upper end");
                        }
                        int[] hi = escapedCodePoint(part, j + 1);
                        if (hi[0] < lo[0]) {
                            throw bad(pattern, "a range in a '[' class runs backwards");
                        }
                        j = hi[1];
                    }
                }
                i = end;
            }
        }
    }

    private static BuildException bad(String pattern, String why) {
        return new BuildException("bad pattern '" + pattern + "': " + why);
    }
}
