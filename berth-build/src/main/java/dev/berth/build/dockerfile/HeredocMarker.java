package dev.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code <<EOF}, {@code <<-EOF}, {@code <<"EOF"} or {@code <<'EOF'} in an instruction's text: the body follows
 * the instruction's last line and runs to a line that is exactly the delimiter.
 *
 * @param name the delimiter
 * @param chompTabs written {@code <<-}: leading tabs are removed from the body and the closing line
 * @param quoted the delimiter was quoted: the body is taken literally
 * @param offset where {@code <<} is in the line
 * @param end where the marker ends in the line
 */
record HeredocMarker(String name, boolean chompTabs, boolean quoted, int offset, int end) {
    private static final Pattern MARKER =
            Pattern.compile("<<(-?)(?:\"([^\"\\s]+)\"|'([^'\\s]+)'|([^\\s'\"<>|;&()]+))");

    /**
     * The heredoc markers at the start of words in {@code line} from {@code from} on.
     *
     * @param wholeWord whether a marker must be the whole word (COPY, ADD) or may be followed by more (RUN's
     *     {@code <<EOF>out.txt})
     */
    static List<HeredocMarker> find(LogicalLine line, int from, char escape, boolean wholeWord) {
        List<HeredocMarker> out = new ArrayList<>();
        for (RawWords.Word w : RawWords.split(line, from, escape, !wholeWord)) {
            HeredocMarker m = at(w.text(), w.offset(), wholeWord);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** The marker {@code word} starts with (is, when {@code wholeWord}), or null. */
    static HeredocMarker at(String word, int offset, boolean wholeWord) {
        if (word.startsWith("<<<")) {
            return null;
        }
        Matcher m = MARKER.matcher(word);
        if (!m.lookingAt() || (wholeWord && m.end() != word.length())) {
            return null;
        }
        String quotedName = m.group(2) != null ? m.group(2) : m.group(3);
        String name = quotedName != null ? quotedName : m.group(4);
        return new HeredocMarker(name, !m.group(1).isEmpty(), quotedName != null, offset, offset + m.end());
    }
}
