package dev.berth.runtime.bundle;

import dev.berth.oci.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The default seccomp policy (resource {@code seccomp-default.json}) as the OCI {@code linux.seccomp} object for this
 * host's architecture and kernel. It is built once per JVM: starting a container costs no parsing.
 */
final class SeccompProfile {
    static final String RESOURCE = "seccomp-default.json";
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private static final ObjectNode FOR_THIS_HOST =
            build(source(), System.getProperty("os.arch"), System.getProperty("os.version"));

    private SeccompProfile() {
    }

    /** The shared, never-modified object: callers that hand it out must copy it ({@link ObjectNode#deepCopy}). */
    static ObjectNode forThisHost() {
        return FOR_THIS_HOST;
    }

    /** The policy file as written, for tests that check it against the kernel's syscall table. */
    static JsonNode source() {
        try (InputStream in = SeccompProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the berth-runtime jar");
            }
            return Json.tree(in.readAllBytes(), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The OCI object for one architecture ({@code os.arch} spelling) and kernel release. */
    static ObjectNode build(JsonNode source, String arch, String kernelRelease) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("defaultAction", source.get("defaultAction").asString());
        out.put("defaultErrnoRet", source.get("defaultErrnoRet").asInt());
        JsonNode archs = source.get("architectures").get(arch);
        if (archs != null) {
            out.set("architectures", archs.deepCopy());
        } // else: an architecture we have no list for gets the filter for its native calling convention only
        ArrayNode syscalls = out.putArray("syscalls");
        int[] kernel = version(kernelRelease);
        for (JsonNode rule : source.get("rules")) {
            JsonNode onlyOn = rule.get("onlyOn");
            if (onlyOn != null && !containsString(onlyOn, arch)) {
                continue;
            }
            JsonNode minKernel = rule.get("minKernel");
            if (minKernel != null && compare(kernel, version(minKernel.asString())) < 0) {
                continue;
            }
            ObjectNode s = syscalls.addObject();
            s.set("names", rule.get("names").deepCopy());
            s.put("action", rule.get("action").asString());
            if (rule.has("errnoRet")) {
                s.put("errnoRet", rule.get("errnoRet").asInt());
            }
            if (rule.has("args")) {
                s.set("args", rule.get("args").deepCopy());
            }
        }
        return out;
    }

    private static boolean containsString(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asString().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** major.minor of a kernel release such as "6.1.0-18-amd64"; unreadable counts as 0.0. */
    static int[] version(String release) {
        Matcher m = VERSION.matcher(release == null ? "" : release);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
    }

    private static int compare(int[] a, int[] b) {
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    /** Blocked system calls and why, from the policy file. */
    static Map<String, String> blocked(JsonNode source) {
        Map<String, String> out = new java.util.TreeMap<>();
        source.get("blocked").properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }
}
