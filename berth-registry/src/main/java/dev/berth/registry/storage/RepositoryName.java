package dev.berth.registry.storage;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution spec's grammar allows it. Components never start with '_' or '.', so the
 * storage can keep its own '_'-prefixed directories next to nested repositories, and '..' can never escape the root.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
    private static final Pattern GRAMMAR = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    /** Clients concatenate host and name and cap that at 255 characters; a longer name alone is useless. */
    private static final int MAX_LENGTH = 255;

    public RepositoryName {
        if (value == null || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
            throw new DistributionException(ErrorCode.NAME_INVALID, "'" + value + "' does not match the repository name grammar");
        }
    }

    @Override
    public int compareTo(RepositoryName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
