package dev.berth.oci.reference;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference, {@code [domain/]path[:tag][@digest]}, parsed as Docker parses it (distribution/reference
 * {@code ParseNormalizedNamed}, plus {@code TagNameOnly}'s default tag): {@code busybox} is
 * {@code docker.io/library/busybox:latest}.
 *
 * <p>Grammar (from distribution/reference):
 * <pre>
 * reference        := name [ ":" tag ] [ "@" digest ]
 * name             := [domain '/'] path
 * domain           := host [':' port-number]
 * host             := domain-name | '[' IPv6address ']'
 * domain-name      := domain-component ['.' domain-component]*
 * domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 * port-number      := [0-9]+
 * path             := path-component ['/' path-component]*
 * path-component   := [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
 * tag              := [\w][\w.-]{0,127}
 * </pre>
 * The first slash-separated component is the domain only if it contains {@code .} or {@code :}, is
 * {@code localhost}, or has upper case (Docker Hub namespaces are lower case); otherwise the domain is
 * {@code docker.io}, and a one-component Docker Hub path gets the {@code library/} prefix. The legacy
 * {@code index.docker.io} is normalized to {@code docker.io}. The name (domain + "/" + path) is at most 255
 * characters.
 *
 * <p>Instances are always normalized and valid: the canonical constructor applies the same normalization and checks.
 * {@code tag} and {@code digest} may each be null (a reference with both keeps both).
 */
public record Reference(String domain, String path, String tag, Digest digest) {
    public static final String DEFAULT_DOMAIN = "docker.io";
    public static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
    public static final String OFFICIAL_REPO_PREFIX = "library/";
    public static final String DEFAULT_TAG = "latest";
    public static final String LOCALHOST = "localhost";
    public static final int NAME_TOTAL_LENGTH_MAX = 255;
    public static final int TAG_LENGTH_MAX = 128;

    private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");

    public Reference {
        if (domain == null || path == null) {
            throw new OciException("an image reference needs a domain and a path");
        }
        if (domain.equals(LEGACY_DEFAULT_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
        }
        String problem = domainProblem(domain);
        if (problem == null && !isDomain(domain)) {
            problem = "'" + domain + "' would be read as a Docker Hub namespace, not a domain: a domain must contain"
                    + " '.' or ':', be 'localhost', or contain upper case";
        }
        if (problem == null) {
            problem = pathProblem(path);
        }
        if (problem == null && domain.equals(DEFAULT_DOMAIN) && path.indexOf('/') < 0) {
            path = OFFICIAL_REPO_PREFIX + path;
        }
        if (problem == null && tag != null) {
            problem = tagProblem(tag);
        }
        if (problem == null) {
            problem = lengthProblem(domain, path);
        }
        if (problem != null) {
            throw new OciException("invalid image reference '" + render(domain, path, tag, digest) + "': " + problem);
        }
    }

    /**
     * Parses a reference as {@code docker pull} does, normalizing it; a reference without tag and digest gets the
     * tag {@code latest}.
     *
     * @throws OciException naming the fault if the text is not a valid reference
     */
    public static Reference parse(String text) {
        if (text == null) {
            throw new OciException("image reference is missing");
        }
        if (text.isEmpty()) {
            throw new OciException("image reference is empty");
        }
        String problem = parseProblem(text);
        if (problem != null) {
            throw new OciException("invalid image reference '" + text + "': " + problem);
        }
        // parseProblem has validated every part; the constructor re-checks and normalizes.
        Parts parts = split(text);
        Digest digest = parts.digest == null ? null : Digest.parse(parts.digest);
        String tag = parts.tag == null && digest == null ? DEFAULT_TAG : parts.tag;
        return new Reference(parts.domain, parts.path, tag, digest);
    }

    /** The parts of a reference before validation; {@code path} excludes the {@code library/} prefix. */
    private record Parts(String domain, String path, String tag, String digest, boolean domainByCase) {
    }

    private static Parts split(String text) {
        String domain;
        String remainder;
        boolean domainByCase = false;
        int slash = text.indexOf('/');
        if (slash < 0) {
            domain = DEFAULT_DOMAIN;
            remainder = text;
        } else {
            String maybeDomain = text.substring(0, slash);
            if (maybeDomain.equals(LOCALHOST) || maybeDomain.indexOf('.') >= 0 || maybeDomain.indexOf(':') >= 0) {
                domain = maybeDomain;
                remainder = text.substring(slash + 1);
            } else if (!maybeDomain.toLowerCase(Locale.ROOT).equals(maybeDomain)) {
                domain = maybeDomain;
                remainder = text.substring(slash + 1);
                domainByCase = true;
            } else {
                domain = DEFAULT_DOMAIN;
                remainder = text;
            }
        }
        String digest = null;
        int at = remainder.indexOf('@');
        if (at >= 0) {
            digest = remainder.substring(at + 1);
            remainder = remainder.substring(0, at);
        }
        String tag = null;
        int colon = remainder.indexOf(':');
        if (colon >= 0) {
            tag = remainder.substring(colon + 1);
            remainder = remainder.substring(0, colon);
        }
        return new Parts(domain, remainder, tag, digest, domainByCase);
    }

    private static String parseProblem(String text) {
        if (IDENTIFIER.matcher(text).matches()) {
            return "cannot specify 64-byte hexadecimal strings as a repository name (this looks like an image ID)";
        }
        Parts parts = split(text);
        if (!parts.path.toLowerCase(Locale.ROOT).equals(parts.path)) {
            return "repository name must be lowercase: '" + parts.path + "'";
        }
        if (text.startsWith("/")) {
            return "repository name must not start with '/'";
        }
        if (parts.path.isEmpty()) {
            return "repository name is empty";
        }
        String problem = domainProblem(parts.domain);
        if (problem != null && parts.domainByCase) {
            // Docker reads an upper-case first component as a domain; if it cannot be one, it was a bad path.
            return "repository name must be lowercase: '" + parts.domain + "/" + parts.path + "'";
        }
        if (problem == null) {
            problem = pathProblem(parts.path);
        }
        if (problem == null && parts.tag != null) {
            problem = tagProblem(parts.tag);
        }
        if (problem == null && parts.digest != null) {
            problem = digestProblem(parts.digest);
        }
        if (problem == null) {
            String path = parts.domain.equals(DEFAULT_DOMAIN) && parts.path.indexOf('/') < 0
                    ? OFFICIAL_REPO_PREFIX + parts.path : parts.path;
            String domain = parts.domain.equals(LEGACY_DEFAULT_DOMAIN) ? DEFAULT_DOMAIN : parts.domain;
            problem = lengthProblem(domain, path);
        }
        return problem;
    }

    private static boolean isDomain(String domain) {
        return domain.equals(LOCALHOST) || domain.indexOf('.') >= 0 || domain.indexOf(':') >= 0
                || !domain.toLowerCase(Locale.ROOT).equals(domain);
    }

    private static String domainProblem(String domain) {
        String what = "invalid domain '" + domain + "': ";
        if (domain.isEmpty()) {
            return "domain is empty";
        }
        String port = null;
        if (domain.startsWith("[")) {
            int close = domain.indexOf(']');
            if (close < 0) {
                return what + "IPv6 address lacks its closing ']'";
            }
            String address = domain.substring(1, close);
            if (address.isEmpty()) {
                return what + "IPv6 address is empty";
            }
            for (int i = 0; i < address.length(); i++) {
                char c = address.charAt(i);
                if (!(c == ':' || isHex(c))) {
                    return what + "invalid character " + quote(c) + " in IPv6 address (allowed: hex digits and ':')";
                }
            }
            String after = domain.substring(close + 1);
            if (!after.isEmpty()) {
                if (after.charAt(0) != ':') {
                    return what + "unexpected " + quote(after.charAt(0)) + " after the IPv6 address (expected ':PORT')";
                }
                port = after.substring(1);
            }
        } else {
            int colon = domain.indexOf(':');
            String host = colon < 0 ? domain : domain.substring(0, colon);
            if (colon >= 0) {
                port = domain.substring(colon + 1);
            }
            if (host.isEmpty()) {
                return what + "host name is empty";
            }
            for (String label : host.split("\\.", -1)) {
                if (label.isEmpty()) {
                    return what + "host name has an empty component";
                }
                for (int i = 0; i < label.length(); i++) {
                    char c = label.charAt(i);
                    if (!(isAsciiLetterOrDigit(c) || c == '-')) {
                        return what + "invalid character " + quote(c)
                                + " in host name (allowed: letters, digits, '-' and '.')";
                    }
                }
                if (label.startsWith("-") || label.endsWith("-")) {
                    return what + "host name component '" + label + "' must not start or end with '-'";
                }
            }
        }
        if (port != null) {
            if (port.isEmpty()) {
                return what + "port is empty";
            }
            for (int i = 0; i < port.length(); i++) {
                if (!isDigit(port.charAt(i))) {
                    return what + "port '" + port + "' is not a number";
                }
            }
        }
        return null;
    }

    private static String pathProblem(String path) {
        if (path.isEmpty()) {
            return "repository name is empty";
        }
        if (!path.toLowerCase(Locale.ROOT).equals(path)) {
            return "repository name must be lowercase: '" + path + "'";
        }
        String what = "invalid repository name '" + path + "': ";
        for (String component : path.split("/", -1)) {
            if (component.isEmpty()) {
                return what + "empty path component (leading, trailing or doubled '/')";
            }
            for (int i = 0; i < component.length(); i++) {
                char c = component.charAt(i);
                if (!(isLowerOrDigit(c) || c == '.' || c == '_' || c == '-')) {
                    return what + "invalid character " + quote(c)
                            + " (allowed: a-z, 0-9 and the separators '.', '_', '__', '-')";
                }
            }
            if (!isLowerOrDigit(component.charAt(0)) || !isLowerOrDigit(component.charAt(component.length() - 1))) {
                return what + "path component '" + component + "' must start and end with a lowercase letter or digit";
            }
            int i = 0;
            while (i < component.length()) {
                if (isLowerOrDigit(component.charAt(i))) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < component.length() && !isLowerOrDigit(component.charAt(i))) {
                    i++;
                }
                String separator = component.substring(start, i);
                if (!(separator.equals(".") || separator.equals("_") || separator.equals("__")
                        || separator.chars().allMatch(ch -> ch == '-'))) {
                    return what + "invalid separator '" + separator + "' in path component '" + component
                            + "' (allowed: '.', '_', '__' or a run of '-')";
                }
            }
        }
        return null;
    }

    private static String tagProblem(String tag) {
        if (tag.isEmpty()) {
            return "tag is empty (remove the ':' or give a tag)";
        }
        if (tag.length() > TAG_LENGTH_MAX) {
            return "tag is " + tag.length() + " characters long; the limit is " + TAG_LENGTH_MAX;
        }
        String what = "invalid tag '" + tag + "': ";
        if (!isWord(tag.charAt(0))) {
            return what + "must start with a letter, digit or '_'";
        }
        for (int i = 1; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (!(isWord(c) || c == '.' || c == '-')) {
                return what + "invalid character " + quote(c) + " (allowed: letters, digits, '_', '.' and '-')";
            }
        }
        return null;
    }

    private static String digestProblem(String digest) {
        if (digest.isEmpty()) {
            return "digest is empty (remove the '@' or give a digest)";
        }
        try {
            Digest.parse(digest);
            return null;
        } catch (OciException e) {
            return e.getMessage();
        }
    }

    private static String lengthProblem(String domain, String path) {
        int length = domain.length() + 1 + path.length();
        if (length > NAME_TOTAL_LENGTH_MAX) {
            return "repository name is " + length + " characters long (domain/path); the limit is "
                    + NAME_TOTAL_LENGTH_MAX;
        }
        return null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLowerOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || isDigit(c);
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isLowerOrDigit(c) || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWord(char c) {
        return isAsciiLetterOrDigit(c) || c == '_';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String quote(char c) {
        if (c < 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isSurrogate(c)) {
            return String.format("U+%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private static String render(String domain, String path, String tag, Digest digest) {
        return domain + "/" + path + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    /** {@code domain/path}, for example {@code docker.io/library/busybox}. */
    public String repository() {
        return domain + "/" + path;
    }

    /**
     * Docker's short form of the repository: without {@code docker.io/} and, for official images, without
     * {@code library/} ({@code busybox}, {@code team/model}, {@code localhost:5000/team/model}). Where the short
     * form would read back differently (a Docker Hub namespace that looks like a domain), the full form is used.
     */
    public String name() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return repository();
        }
        String name = path;
        if (name.startsWith(OFFICIAL_REPO_PREFIX) && name.indexOf('/', OFFICIAL_REPO_PREFIX.length()) < 0) {
            name = name.substring(OFFICIAL_REPO_PREFIX.length());
        }
        int slash = name.indexOf('/');
        if (slash >= 0 && isDomain(name.substring(0, slash))) {
            return repository();
        }
        if (tag == null && digest == null && IDENTIFIER.matcher(name).matches()) {
            return repository();
        }
        return name;
    }

    /** Docker's short form: {@code busybox:latest}, {@code team/model:1.2}; full for other registries. */
    public String familiar() {
        return suffixed(name());
    }

    /** The full normalized form, for example {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return suffixed(repository());
    }

    private String suffixed(String name) {
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }

    public boolean hasTag() {
        return tag != null;
    }

    public boolean hasDigest() {
        return digest != null;
    }

    /** This repository with the given tag; the digest, if any, is kept. */
    public Reference withTag(String newTag) {
        if (newTag == null) {
            throw new OciException("tag is missing");
        }
        return new Reference(domain, path, newTag, digest);
    }

    /** This repository with the given digest; the tag, if any, is kept. */
    public Reference withDigest(Digest newDigest) {
        if (newDigest == null) {
            throw new OciException("digest is missing");
        }
        return new Reference(domain, path, tag, newDigest);
    }

    /** This repository with neither tag nor digest. */
    public Reference repositoryOnly() {
        return new Reference(domain, path, null, null);
    }
}
