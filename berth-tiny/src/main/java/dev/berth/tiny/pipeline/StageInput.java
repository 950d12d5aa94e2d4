package dev.berth.tiny.pipeline;

import dev.berth.tiny.TinyException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A reference to one output of another stage: {@code stage} (its first output) or {@code stage.2}. */
public record StageInput(String stage, int index) {
    private static final Pattern FORM = Pattern.compile("([a-zA-Z_][\\w-]*)(?:\\.(\\d+))?");

    public static StageInput parse(String text, String where) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new TinyException(where + ": input '" + text + "' is not a stage name (like 'audio' or 'identity.1')");
        }
        return new StageInput(m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    @Override
    public String toString() {
        return index == 0 ? stage : stage + "." + index;
    }
}
