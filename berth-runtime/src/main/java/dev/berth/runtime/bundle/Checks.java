package dev.berth.runtime.bundle;

import dev.berth.runtime.ContainerException;
import java.util.ArrayList;
import java.util.List;

/** Input checks shared by the records and the writer; every failure names the value at fault. */
final class Checks {
    private Checks() {
    }

    /** An immutable copy; null means empty, a null element is an error naming the list. */
    static List<String> strings(List<String> list, String what) {
        if (list == null) {
            return List.of();
        }
        List<String> copy = new ArrayList<>(list.size());
        for (String s : list) {
            if (s == null) {
                throw new ContainerException(what + " contains a null entry");
            }
            copy.add(s);
        }
        return List.copyOf(copy);
    }

    static <T> List<T> items(List<T> list, String what) {
        if (list == null) {
            return List.of();
        }
        for (T t : list) {
            if (t == null) {
                throw new ContainerException(what + " contains a null entry");
            }
        }
        return List.copyOf(list);
    }

    /**
     * A container path as runc needs it: absolute, no "." or ".." components, no NUL, and not the root itself.
     * Repeated and trailing slashes are dropped, so "/data//x/" becomes "/data/x".
     */
    static String containerPath(String path, String what) {
        if (path == null || path.isEmpty()) {
            throw new ContainerException(what + " is empty: it must be an absolute path in the container");
        }
        if (path.indexOf('\0') >= 0) {
            throw new ContainerException(what + " " + printable(path) + " contains a NUL character");
        }
        if (!path.startsWith("/")) {
            throw new ContainerException(what + " " + path + " is not an absolute path: it must start with /");
        }
        StringBuilder clean = new StringBuilder(path.length());
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new ContainerException(what + " " + path + " must not contain \".\" or \"..\" components");
            }
            clean.append('/').append(part);
        }
        if (clean.isEmpty()) {
            throw new ContainerException(what + " cannot be / itself");
        }
        return clean.toString();
    }

    static String printable(String s) {
        return s.replace("\0", "\\0");
    }
}
