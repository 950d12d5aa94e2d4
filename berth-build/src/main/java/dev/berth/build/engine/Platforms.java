package dev.berth.build.engine;

import dev.berth.build.BuildException;
import dev.berth.oci.image.Platform;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Platform strings and the build arguments the Dockerfile reference predefines. */
final class Platforms {
    /** Proxy variables: usable in RUN without an ARG, and kept out of the cache key and history, as docker does. */
    static final List<String> PROXY_ARGS = List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
            "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy");
    static final Set<String> PLATFORM_ARGS = Set.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
            "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT");

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

    /** The value of a predefined platform argument for a target platform, or null for any other name. */
    static String predefinedArg(String name, Platform target) {
        Platform build = Platform.host();
        return switch (name) {
            case "TARGETPLATFORM" -> target.toString();
            case "TARGETOS" -> target.os();
            case "TARGETARCH" -> target.architecture();
            case "TARGETVARIANT" -> target.variant() == null ? "" : target.variant();
            case "BUILDPLATFORM" -> build.toString();
            case "BUILDOS" -> build.os();
            case "BUILDARCH" -> build.architecture();
            case "BUILDVARIANT" -> build.variant() == null ? "" : build.variant();
            default -> null;
        };
    }

    /** Appends the proxy build arguments that were given to a RUN's environment. */
    static void proxyArgs(Map<String, String> buildArgs, List<String> env) {
        for (String name : PROXY_ARGS) {
            String value = buildArgs.get(name);
            if (value != null) {
                env.add(name + "=" + value);
            }
        }
    }
}
