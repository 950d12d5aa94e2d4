package dev.berth.build.lock;

import dev.berth.build.BuildException;
import dev.berth.oci.image.Platform;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** Platforms as a lock file writes them: {@code os/arch[/variant]}, e.g. {@code linux/arm64}, {@code linux/arm/v7}. */
public final class Platforms {
    /** The platform a build runs on, and what a lock is made for when no platform is named. */
    public static Platform build() {
        return normalize(Platform.host());
    }

    private Platforms() {
    }

    /** Parses {@code os/arch[/variant]}; {@code what} says where the text came from, for the error. */
    public static Platform parse(String text, String what) {
        String[] parts = text.strip().split("/", -1);
        if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new BuildException(what + ": invalid platform '" + text
                    + "': expected OS/ARCH or OS/ARCH/VARIANT, for example linux/arm64");
        }
        return new Platform(parts[1].toLowerCase(java.util.Locale.ROOT), parts[0].toLowerCase(java.util.Locale.ROOT),
                null, null, parts.length == 3 ? parts[2].toLowerCase(java.util.Locale.ROOT) : null);
    }

    /** Only os, architecture and variant: what platforms are compared by. */
    public static Platform normalize(Platform p) {
        return new Platform(p.architecture(), p.os(), null, null, p.variant());
    }

    public static String format(Platform p) {
        return p.os() + "/" + p.architecture() + (p.variant() == null || p.variant().isEmpty() ? "" : "/" + p.variant());
    }

    /** Sorted, without duplicates. */
    public static List<String> formatAll(Collection<Platform> platforms) {
        TreeSet<String> names = new TreeSet<>();
        platforms.forEach(p -> names.add(format(p)));
        return List.copyOf(names);
    }
}
