package dev.berth.build.copy;

import dev.berth.build.BuildException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code --chmod} value: octal ({@code 755}, {@code 0644}, up to {@code 7777}) or chmod(1) symbolic notation
 * ({@code +x}, {@code u=rwX,go=rX}, {@code g=u}), which the Dockerfile reference accepts since syntax 1.14. Symbolic
 * clauses without a "who" apply to all of u, g and o; no umask is consulted (a build has no umask that should matter).
 * {@code X} sets execute for directories and for files that already have an execute bit.
 */
final class ChmodSpec {
    private record Clause(int who, List<Op> ops) {
    }

    private record Op(char operator, String permissions, char copyFrom) {
    }

    private static final int USER = 1;
    private static final int GROUP = 2;
    private static final int OTHER = 4;

    private final String text;
    private final Integer octal;
    private final List<Clause> clauses;

    private ChmodSpec(String text, Integer octal, List<Clause> clauses) {
        this.text = text;
        this.octal = octal;
        this.clauses = clauses;
    }

    /** Parses the flag's value; a malformed one is refused with a message naming it. */
    static ChmodSpec parse(String text) {
        if (text.matches("[0-7]{1,4}")) {
            return new ChmodSpec(text, Integer.parseInt(text, 8), List.of());
        }
        if (text.matches("[0-9]+")) {
            throw invalid(text, "an octal mode has at most four digits 0-7");
        }
        List<Clause> clauses = new ArrayList<>();
        for (String clauseText : text.split(",", -1)) {
            int i = 0;
            int who = 0;
            while (i < clauseText.length() && "ugoa".indexOf(clauseText.charAt(i)) >= 0) {
                who |= switch (clauseText.charAt(i)) {
                    case 'u' -> USER;
                    case 'g' -> GROUP;
                    case 'o' -> OTHER;
                    default -> USER | GROUP | OTHER;
                };
                i++;
            }
            if (who == 0) {
                who = USER | GROUP | OTHER;
            }
            List<Op> ops = new ArrayList<>();
            while (i < clauseText.length()) {
                char operator = clauseText.charAt(i++);
                if ("+-=".indexOf(operator) < 0) {
                    throw invalid(text, "expected +, - or = in '" + clauseText + "'");
                }
                int start = i;
                if (i < clauseText.length() && "ugo".indexOf(clauseText.charAt(i)) >= 0) {
                    ops.add(new Op(operator, "", clauseText.charAt(i)));
                    i++;
                    continue;
                }
                while (i < clauseText.length() && "rwxXst".indexOf(clauseText.charAt(i)) >= 0) {
                    i++;
                }
                ops.add(new Op(operator, clauseText.substring(start, i), '\0'));
            }
            if (ops.isEmpty()) {
                throw invalid(text, "'" + clauseText + "' changes nothing");
            }
            clauses.add(new Clause(who, List.copyOf(ops)));
        }
        return new ChmodSpec(text, null, List.copyOf(clauses));
    }

    private static BuildException invalid(String text, String why) {
        return new BuildException("invalid --chmod value '" + text + "': " + why
                + " (expected octal like 755 or symbolic like u=rwX,go=rX)");
    }

    /** The mode a file or directory with {@code mode} gets. */
    int apply(int mode, boolean directory) {
        if (octal != null) {
            return octal;
        }
        int result = mode & 07777;
        for (Clause clause : clauses) {
            for (Op op : clause.ops()) {
                int bits = op.copyFrom() != '\0' ? copied(result, op.copyFrom())
                        : permissionBits(op.permissions(), result, directory);
                int mask = classMask(clause.who());
                switch (op.operator()) {
                    case '+' -> result |= bits & mask;
                    case '-' -> result &= ~(bits & mask);
                    default -> result = (result & ~mask) | (bits & mask); // '=' clears the classes' bits first
                }
            }
        }
        return result;
    }

    /** rwx of one class, replicated to all three classes. */
    private static int copied(int mode, char from) {
        int three = switch (from) {
            case 'u' -> (mode >> 6) & 7;
            case 'g' -> (mode >> 3) & 7;
            default -> mode & 7;
        };
        return three << 6 | three << 3 | three;
    }

    private static int permissionBits(String letters, int mode, boolean directory) {
        int bits = 0;
        for (char c : letters.toCharArray()) {
            bits |= switch (c) {
                case 'r' -> 0444;
                case 'w' -> 0222;
                case 'x' -> 0111;
                case 'X' -> directory || (mode & 0111) != 0 ? 0111 : 0;
                case 's' -> 06000;
                default -> 01000; // 't'
            };
        }
        return bits;
    }

    /** The bits a clause for {@code who} may set: its rwx, setuid with u, setgid with g, sticky with o. */
    private static int classMask(int who) {
        int mask = 0;
        if ((who & USER) != 0) {
            mask |= 04700;
        }
        if ((who & GROUP) != 0) {
            mask |= 02070;
        }
        if ((who & OTHER) != 0) {
            mask |= 01007;
        }
        return mask;
    }

    @Override
    public String toString() {
        return text;
    }
}
