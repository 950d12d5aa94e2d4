package dev.berth.registry.storage;

import java.util.regex.Pattern;

/** The spec's tag grammar; a tag is also a file name, which the grammar keeps safe ('.' cannot lead). */
final class Tags {
    private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private Tags() {
    }

    static String require(String tag) {
        if (!GRAMMAR.matcher(tag).matches()) {
            throw new DistributionException(ErrorCode.MANIFEST_INVALID, "'" + tag + "' is neither a digest nor a valid tag");
        }
        return tag;
    }
}
