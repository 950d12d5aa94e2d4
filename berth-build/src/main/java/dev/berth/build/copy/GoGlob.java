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

    /**
     * The index of the ']' closing the class that starts at {@code open}, or -1 when the class is malformed in Go's
     * terms: empty, unclosed, or with an unescaped '-' or ']' where a character should be.
     */
    private static int classEnd(String pattern, int open) {
        int i = open + 1;
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            i++;
        }
        int ranges = 0;
        while (true) {
            if (i < pattern.length() && pattern.charAt(i) == ']' && ranges > 0) {
                return i;
            }
            int lo = classChar(pattern, i);
            if (lo < 0) {
                return -1;
            }
            i = next(pattern, i);
            if (i < pattern.length() && pattern.charAt(i) == '-') {
                int hi = classChar(pattern, i + 1);
                if (hi < 0 || hi < lo) {
                    return -1;
                }
                i = next(pattern, i + 1);
            }
            ranges++;
        }
    }

    /** The class character at i (after an escaping '\'), or -1 when there is none or it is a bare '-' or ']'. */
    private static int classChar(String pattern, int i) {
        if (i >= pattern.length()) {
            return -1;
        }
        char c = pattern.charAt(i);
        if (c == '-' || c == ']') {
            return -1;
        }
        if (c == '\\') {
            return i + 1 < pattern.length() ? pattern.codePointAt(i + 1) : -1;
        }
        return pattern.codePointAt(i);
    }

    private static int next(String pattern, int i) {
        if (pattern.charAt(i) == '\\') {
            i++;
        }
        return i + Character.charCount(pattern.codePointAt(i));
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

    /** Refuses what Go reports as ErrBadPattern: malformed classes, a dangling escape. */
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
                if (end < 0) {
                    throw bad(pattern, "a '[' class is empty, not closed, or has a bare '-' or ']'");
                }
                i = end;
            }
        }
    }

    private static BuildException bad(String pattern, String why) {
        return new BuildException("bad pattern '" + pattern + "': " + why);
    }
}
