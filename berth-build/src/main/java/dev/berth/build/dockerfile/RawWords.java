package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits instruction text into words as written (quotes and escapes kept) at whitespace outside quotes, the way
 * the Dockerfile reference splits the arguments of ENV, LABEL, ARG, EXPOSE, COPY and the like before substitution.
 */
final class RawWords {
    private RawWords() {
    }

    /** A word as written and where it starts in the text it came from. */
    record Word(String text, int offset) {
        int end() {
            return offset + text.length();
        }
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** The words of {@code line}'s text from {@code from} on; an unterminated quote is an error at the quote. */
    static List<Word> split(LogicalLine line, int from, char escape) {
        return split(line, from, escape, false);
    }

    /**
     * Like {@link #split(LogicalLine, int, char)}; when {@code lenient}, an unterminated quote runs to the end of
     * the text instead of being an error (shell text is the shell's to judge: {@code # don't} is a comment there).
     */
    static List<Word> split(LogicalLine line, int from, char escape, boolean lenient) {
        String s = line.text();
        List<Word> words = new ArrayList<>();
        int i = from;
        while (true) {
            while (i < s.length() && isSpace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                return words;
            }
            int end = wordEnd(line, i, escape, lenient);
            words.add(new Word(s.substring(i, end), i));
            i = end;
        }
    }

    /** Where the word starting at {@code start} ends: the first whitespace outside quotes, or the end. */
    static int wordEnd(LogicalLine line, int start, char escape) {
        return wordEnd(line, start, escape, false);
    }

    private static int wordEnd(LogicalLine line, int start, char escape, boolean lenient) {
        String s = line.text();
        int i = start;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                return i;
            }
            if (c == escape) {
                i += 2;
            } else if (lenient && c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                // The shell's $'…' quoting, inside which a backslash escapes a quote.
                int j = i + 2;
                while (j < s.length() && s.charAt(j) != '\'') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
            } else if (c == '\'') {
                int close = s.indexOf('\'', i + 1);
                if (close < 0 && lenient) {
                    return s.length();
                }
                if (close < 0) {
                    throw new BuildException(line.at(i) + ": unterminated single quote (expected a closing ')");
                }
                i = close + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') {
                    j += s.charAt(j) == escape ? 2 : 1;
                }
                if (j >= s.length() && lenient) {
                    return s.length();
                }
                if (j >= s.length()) {
                    throw new BuildException(line.at(i) + ": unterminated double quote (expected a closing \")");
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return Math.min(i, s.length());
    }

    /** The index of the first {@code ch} in {@code word} outside quotes and not escaped, or -1. */
    static int indexOfUnquoted(String word, char ch, char escape) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (single) {
                single = c != '\'';
            } else if (c == escape) {
                i++;
            } else if (dbl) {
                dbl = c != '"';
            } else if (c == '\'') {
                single = true;
            } else if (c == '"') {
                dbl = true;
            } else if (c == ch) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes a literal string (a decoded JSON string) as a word that {@link Expander#word} turns back into the same
     * string, except that {@code $} references still substitute: quotes and the escape character get escaped.
     */
    static String quoteLiteral(String literal, char escape) {
        StringBuilder b = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\'' || c == '"' || c == escape || isSpace(c)) {
                b.append(escape);
            }
            b.append(c);
        }
        return b.toString();
    }
}
