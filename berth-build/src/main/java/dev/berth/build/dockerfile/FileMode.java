package dev.berth.build.dockerfile;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code --chmod} value of COPY or ADD: an octal mode ({@code 755}, {@code 0644}, up to {@code 7777}) or, as
 * newer BuildKit accepts, a symbolic one like chmod(1) takes ({@code u+x}, {@code go-w}, {@code u=rwX,go=rX}).
 * An octal mode replaces the permission bits; a symbolic one changes the file's current mode.
 */
public final class FileMode {
    private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");
    private static final Pattern CLAUSE = Pattern.compile("([ugoa]*)((?:[-+=][rwxXst]*)+)");
    private static final Pattern ACTION = Pattern.compile("([-+=])([rwxXst]*)");

    private final String text;
    private final Integer octal;
    private final List<Clause> clauses;

    private record Clause(String who, List<String[]> actions) {
    }

    private FileMode(String text, Integer octal, List<Clause> clauses) {
        this.text = text;
        this.octal = octal;
        this.clauses = clauses;
    }

    /** Whether {@code text} is a mode this class reads. */
    public static boolean isValid(String text) {
        return OCTAL.matcher(text).matches() || parseSymbolic(text) != null;
    }

    /**
     * Reads a {@code --chmod} value.
     *
     * @param keyword "COPY" or "ADD", for the message
     * @throws BuildException naming {@code at} when the value is neither octal nor symbolic
     */
    public static FileMode parse(String text, String keyword, SourcePosition at) {
        if (OCTAL.matcher(text).matches()) {
            return new FileMode(text, Integer.parseInt(text, 8), List.of());
        }
        List<Clause> clauses = parseSymbolic(text);
        if (clauses == null) {
            throw new BuildException(at + ": " + keyword + " --chmod=" + text
                    + ": not an octal mode (like 755 or 0644) or a symbolic one (like u+x or go-w)");
        }
        return new FileMode(text, null, clauses);
    }

    private static List<Clause> parseSymbolic(String text) {
        if (text.isEmpty()) {
            return null;
        }
        List<Clause> clauses = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            Matcher m = CLAUSE.matcher(part);
            if (!m.matches()) {
                return null;
            }
            List<String[]> actions = new ArrayList<>();
            Matcher a = ACTION.matcher(m.group(2));
            while (a.find()) {
                actions.add(new String[] {a.group(1), a.group(2)});
            }
            clauses.add(new Clause(m.group(1), actions));
        }
        return clauses;
    }

    /** Whether the value was octal (then {@link #apply} ignores the current mode). */
    public boolean isOctal() {
        return octal != null;
    }

    /**
     * The permission bits (the low 12 bits) a file ends with.
     *
     * @param current the file's current permission bits
     * @param directory whether it is a directory ({@code X} sets execute on directories)
     */
    public int apply(int current, boolean directory) {
        if (octal != null) {
            return octal;
        }
        int mode = current & 07777;
        for (Clause c : clauses) {
            String who = c.who().isEmpty() ? "a" : c.who();
            int mask = 0;
            for (char w : who.toCharArray()) {
                mask |= switch (w) {
                    case 'u' -> 04700;
                    case 'g' -> 02070;
                    case 'o' -> 01007;
                    default -> 07777;
                };
            }
            for (String[] action : c.actions()) {
                int bits = 0;
                boolean anyExecute = (mode & 0111) != 0 || directory;
                for (char p : action[1].toCharArray()) {
                    bits |= switch (p) {
                        case 'r' -> 0444;
                        case 'w' -> 0222;
                        case 'x' -> 0111;
                        case 'X' -> anyExecute ? 0111 : 0;
                        case 's' -> 06000;
                        default -> 01000;
                    };
                }
                bits &= mask;
                switch (action[0]) {
                    case "+" -> mode |= bits;
                    case "-" -> mode &= ~bits;
                    default -> mode = (mode & ~(mask & 07777)) | bits;
                }
            }
        }
        return mode;
    }

    @Override
    public String toString() {
        return text;
    }
}
