package dev.berth.build.dockerfile;

/**
 * One instruction's text after continuation lines were joined and comment lines dropped, with the physical
 * position of every character kept so that errors can point into the original file.
 */
final class LogicalLine {
    private final String file;
    private final String text;
    private final int[] lines;
    private final int[] columns;
    private final int endLine;
    private final int endColumn;

    LogicalLine(String file, String text, int[] lines, int[] columns, int endLine, int endColumn) {
        this.file = file;
        this.text = text;
        this.lines = lines;
        this.columns = columns;
        this.endLine = endLine;
        this.endColumn = endColumn;
    }

    String text() {
        return text;
    }

    String file() {
        return file;
    }

    /** Where the character at {@code offset} was written; past the end, just after the last character. */
    SourcePosition at(int offset) {
        if (offset < text.length() && offset >= 0) {
            return new SourcePosition(file, lines[offset], columns[offset]);
        }
        return new SourcePosition(file, endLine, endColumn);
    }

    /** The text from {@code from} on, as its own logical line (positions kept). */
    LogicalLine from(int from) {
        int n = text.length() - from;
        int[] l = new int[n];
        int[] c = new int[n];
        System.arraycopy(lines, from, l, 0, n);
        System.arraycopy(columns, from, c, 0, n);
        return new LogicalLine(file, text.substring(from), l, c, endLine, endColumn);
    }

    /** Builds a logical line character by character. */
    static final class Builder {
        private final String file;
        private final StringBuilder text = new StringBuilder();
        private int[] lines = new int[64];
        private int[] columns = new int[64];
        private int endLine = 1;
        private int endColumn = 1;

        Builder(String file) {
            this.file = file;
        }

        void append(char c, int line, int column) {
            if (text.length() == lines.length) {
                lines = java.util.Arrays.copyOf(lines, lines.length * 2);
                columns = java.util.Arrays.copyOf(columns, columns.length * 2);
            }
            lines[text.length()] = line;
            columns[text.length()] = column;
            text.append(c);
            endLine = line;
            endColumn = column + 1;
        }

        void end(int line, int column) {
            endLine = line;
            endColumn = column;
        }

        int length() {
            return text.length();
        }

        LogicalLine build() {
            return new LogicalLine(file, text.toString(), java.util.Arrays.copyOf(lines, text.length()),
                    java.util.Arrays.copyOf(columns, text.length()), endLine, endColumn);
        }
    }
}
