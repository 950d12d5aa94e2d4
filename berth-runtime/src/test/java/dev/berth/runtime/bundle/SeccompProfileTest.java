package dev.berth.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class SeccompProfileTest {
    private static final JsonNode SOURCE = SeccompProfile.source();

    private static Set<String> allowedNames(JsonNode source) {
        Set<String> names = new HashSet<>();
        for (JsonNode rule : source.get("rules")) {
            for (JsonNode n : rule.get("names")) {
                names.add(n.asString());
            }
        }
        return names;
    }

    private static Set<String> names(ObjectNode profile) {
        Set<String> names = new HashSet<>();
        for (JsonNode rule : profile.get("syscalls")) {
            for (JsonNode n : rule.get("names")) {
                names.add(n.asString());
            }
        }
        return names;
    }

    @Test
    void everyNameIsKnownToTheHostsLibseccomp() throws Throwable {
        Set<String> all = new HashSet<>(allowedNames(SOURCE));
        all.addAll(SeccompProfile.blocked(SOURCE).keySet());
        List<String> unknown = new ArrayList<>();
        try (Libseccomp lib = new Libseccomp()) {
            for (String name : all) {
                if (lib.resolve(name) == Libseccomp.NR_ERROR) {
                    unknown.add(name);
                }
            }
        }
        assertThat(all).hasSizeGreaterThan(400);
        assertThat(unknown).as("names libseccomp does not know (runc would silently drop them)").isEmpty();
    }

    @Test
    void everySystemCallOfTheHostIsEitherAllowedOrBlockedOnPurpose() throws Throwable {
        Set<String> classified = new HashSet<>(allowedNames(SOURCE));
        classified.addAll(SeccompProfile.blocked(SOURCE).keySet());
        String arch = System.getProperty("os.arch");
        List<String> tables = arch.equals("amd64") ? List.of("x86_64", "x86", "x32") : List.of("aarch64", "arm");
        List<String> unclassified = new ArrayList<>();
        int seen = 0;
        try (Libseccomp lib = new Libseccomp()) {
            for (String table : tables) {
                int token = lib.arch(table);
                assertThat(token).as("libseccomp token for " + table).isNotZero();
                int base = table.equals("x32") ? 0x40000000 : 0;
                for (int nr = 0; nr < 1024; nr++) {
                    String name = lib.name(token, base + nr);
                    if (name != null) {
                        seen++;
                        if (!classified.contains(name)) {
                            unclassified.add(table + ":" + name);
                        }
                    }
                }
            }
        }
        assertThat(seen).isGreaterThan(700);
        assertThat(unclassified).as("system calls the policy neither allows nor explains").isEmpty();
    }

    @Test
    void noBlockedCallIsAllowed() {
        Set<String> overlap = new HashSet<>(allowedNames(SOURCE));
        overlap.retainAll(SeccompProfile.blocked(SOURCE).keySet());
        assertThat(overlap).isEmpty();
        assertThat(SeccompProfile.blocked(SOURCE)).containsKeys("acct", "add_key", "bpf", "clock_adjtime",
                "clock_settime", "create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy",
                "init_module", "ioperm", "iopl", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind",
                "mount", "move_pages", "name_to_handle_at", "nfsservctl", "open_by_handle_at", "perf_event_open",
                "pivot_root", "query_module", "quotactl", "reboot", "request_key", "set_mempolicy", "setns",
                "settimeofday", "stime", "swapon", "swapoff", "sysfs", "_sysctl", "umount", "umount2", "unshare",
                "uselib", "userfaultfd", "ustat", "vm86", "vm86old");
    }

    @Test
    void amd64GetsItsThreeAbisAndX86OnlyCalls() {
        ObjectNode p = SeccompProfile.build(SOURCE, "amd64", "6.1.0-18-amd64");
        assertThat(p.get("defaultAction").asString()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(p.get("defaultErrnoRet").asInt()).isEqualTo(1);
        assertThat(p.get("architectures").valueStream().map(JsonNode::asString))
                .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        assertThat(names(p)).contains("arch_prctl", "modify_ldt", "read", "ptrace").doesNotContain("set_tls",
                "mount", "unshare");
        // Nothing of the source's bookkeeping leaks into the OCI object.
        for (JsonNode rule : p.get("syscalls")) {
            assertThat(rule.propertyNames()).isSubsetOf("names", "action", "errnoRet", "args");
        }
    }

    @Test
    void aarch64GetsArmAbisAndArmOnlyCalls() {
        ObjectNode p = SeccompProfile.build(SOURCE, "aarch64", "6.6.0");
        assertThat(p.get("architectures").valueStream().map(JsonNode::asString))
                .containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
        assertThat(names(p)).contains("set_tls", "cacheflush").doesNotContain("arch_prctl", "modify_ldt");
    }

    @Test
    void ptraceNeedsAKernelWhereItCannotBypassSeccomp() {
        assertThat(names(SeccompProfile.build(SOURCE, "amd64", "4.4.0-210-generic"))).doesNotContain("ptrace", "kcmp");
        assertThat(names(SeccompProfile.build(SOURCE, "amd64", "4.8.0"))).contains("ptrace", "kcmp");
        assertThat(SeccompProfile.version("6.18.44-fc-v669")).containsExactly(6, 18);
        assertThat(SeccompProfile.version("junk")).containsExactly(0, 0);
    }

    @Test
    void conditionalRules() {
        ObjectNode p = SeccompProfile.build(SOURCE, "amd64", "6.1.0");
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        List<Long> personalities = new ArrayList<>();
        for (JsonNode rule : p.get("syscalls")) {
            String first = rule.get("names").get(0).asString();
            if (first.equals("personality")) {
                personalities.add(rule.get("args").get(0).get("value").asLong());
            } else {
                byName.put(first, rule);
            }
        }
        assertThat(personalities).containsExactlyInAnyOrder(0L, 8L, 0x20000L, 0x20008L, 0xffffffffL);
        JsonNode clone = byName.get("clone").get("args").get(0);
        assertThat(clone.get("op").asString()).isEqualTo("SCMP_CMP_MASKED_EQ");
        long nsFlags = 0x00020000L | 0x02000000L | 0x04000000L | 0x08000000L | 0x10000000L | 0x20000000L | 0x40000000L;
        assertThat(clone.get("value").asLong()).isEqualTo(nsFlags);
        assertThat(clone.get("valueTwo").asLong()).isZero();
        assertThat(byName.get("clone3").get("action").asString()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(byName.get("clone3").get("errnoRet").asInt()).isEqualTo(38); // ENOSYS
        assertThat(byName.get("socket").get("args").get(0).get("op").asString()).isEqualTo("SCMP_CMP_NE");
    }
}
