package dev.berth.registry.storage;

import java.util.List;

/** One page of a lexically sorted listing; {@code more} says whether entries follow the last one. */
public record Page(List<String> items, boolean more) {
    public Page {
        items = List.copyOf(items);
    }

    /** Entries after {@code last} (exclusive), at most {@code limit} of them (null: all). */
    static Page of(java.util.SortedSet<String> all, String last, Integer limit) {
        var tail = last == null ? all : all.tailSet(last + "\0");
        if (limit != null && limit == 0) {
            return new Page(List.of(), false); // the spec's n=0: an empty page, nothing to continue with
        }
        if (limit == null || tail.size() <= limit) {
            return new Page(List.copyOf(tail), false);
        }
        return new Page(tail.stream().limit(limit).toList(), true);
    }
}
