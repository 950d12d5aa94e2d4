package dev.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the exec form: a JSON array of strings and nothing else. Anything that is not exactly that (single quotes,
 * numbers, a trailing word) is not exec form, and the instruction falls back to shell form as the reference says.
 */
final class JsonArray {
    private final String s;
    private int i;

    private JsonArray(String s) {
        this.s = s;
    }

    /** The array's strings, or null when {@code text} is not a JSON array of strings. */
    static List<String> parse(String text) {
        JsonArray p = new JsonArray(text);
        try {
            List<String> out = p.array();
            p.space();
            return p.i == p.s.length() ? out : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<String> array() {
        space();
        expect('[');
        List<String> out = new ArrayList<>();
        space();
        if (peek() == ']') {
            i++;
            return out;
        }
        while (true) {
            space();
            out.add(string());
            space();
            char c = next();
            if (c == ']') {
                return out;
            }
            if (c != ',') {
                throw new IllegalArgumentException();
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
                        throw new IllegalArgumentException();
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException();
            }
        }
    }

    private void space() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private char next() {
        if (i >= s.length()) {
            throw new IllegalArgumentException();
        }
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException();
        }
    }
}
