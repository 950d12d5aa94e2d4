package dev.berth.runtime.network;

import dev.berth.runtime.ContainerException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The host's iptables, through iptables-save and iptables-restore so that a change of many rules is one atomic
 * transaction and one process.
 *
 * <p>Hosts can have two iptables back ends at once (nf_tables and legacy), and rules only matter in the one the
 * host's other tools use, so {@link #host()} picks the back end that already holds rules and otherwise the one the
 * system's {@code iptables} command points at.
 */
final class Iptables {
    /** Which tool family to run. */
    enum Backend {
        NFT("iptables-nft-save", "iptables-nft-restore"),
        LEGACY("iptables-legacy-save", "iptables-legacy-restore");

        final String save;
        final String restore;

        Backend(String save, String restore) {
            this.save = save;
            this.restore = restore;
        }
    }

    private static volatile Iptables host;

    // One change at a time from this JVM: nf_tables transactions from one process racing each other only retry,
    // and legacy iptables would serialise on its xtables lock anyway.
    private static final ReentrantLock CHANGES = new ReentrantLock();

    private final Backend backend;

    private Iptables(Backend backend) {
        this.backend = backend;
    }

    /** The back end this host uses, detected once per JVM. */
    static Iptables host() {
        Iptables detected = host;
        if (detected == null) {
            synchronized (Iptables.class) {
                if (host == null) {
                    host = new Iptables(detectBackend());
                }
                detected = host;
            }
        }
        return detected;
    }

    Backend backend() {
        return backend;
    }

    /** The table's rules in iptables-save form: "-A CHAIN ..." lines and ":CHAIN" declarations. */
    List<String> save(String table) {
        return HostCommand.run("reading iptables " + table + " table", null, List.of(backend.save, "-t", table))
                .lines().toList();
    }

    /** Applies an iptables-restore script on top of the existing rules, atomically. */
    void apply(String what, String script) {
        HostCommand.Result result = tryApply(script);
        if (!result.succeeded()) {
            throw new ContainerException(what + " failed: " + result.reason());
        }
    }

    /** Like {@link #apply} but reports failure instead of throwing, for callers that have a fallback. */
    HostCommand.Result tryApply(String script) {
        CHANGES.lock();
        try {
            return HostCommand.attempt(script, List.of(backend.restore, "--noflush", "-w", "5"));
        } finally {
            CHANGES.unlock();
        }
    }

    private static Backend detectBackend() {
        boolean legacyTablesExist = legacyTablesLoaded();
        if (legacyTablesExist) {
            long legacyRules = countRules(Backend.LEGACY);
            long nftRules = countRules(Backend.NFT);
            if (legacyRules != nftRules) {
                return legacyRules > nftRules ? Backend.LEGACY : Backend.NFT;
            }
        }
        HostCommand.Result version = HostCommand.attempt(null, List.of("iptables", "-V"));
        if (version.succeeded() && version.stdout().contains("legacy") && legacyTablesExist) {
            return Backend.LEGACY;
        }
        return Backend.NFT;
    }

    // Reading the legacy tables through iptables-legacy-save would load the legacy modules on a host that never
    // used them; /proc/net/ip_tables_names lists the legacy tables without creating any.
    private static boolean legacyTablesLoaded() {
        try {
            return !Files.readString(Path.of("/proc/net/ip_tables_names")).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    private static long countRules(Backend backend) {
        HostCommand.Result result = HostCommand.attempt(null, List.of(backend.save));
        return result.succeeded() ? result.stdout().lines().filter(l -> l.startsWith("-A ")).count() : 0;
    }
}
