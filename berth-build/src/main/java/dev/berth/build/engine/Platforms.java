package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.oci.image.Platform;

/** Platform strings and the build arguments the Dockerfile reference predefines. */
final class Platforms {
    private Platforms() {
    }

    /** {@code os/arch[/variant]}. */
    static Platform parse(String text, String where) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw new BuildException((where == null ? "" : where + ": ") + "invalid platform '" + text
                    + "': expected OS/ARCH or OS/ARCH/VARIANT, for example linux/amd64");
        }
        return new Platform(parts[1], parts[0], null, null, parts.length == 3 ? parts[2] : null);
    }

}
