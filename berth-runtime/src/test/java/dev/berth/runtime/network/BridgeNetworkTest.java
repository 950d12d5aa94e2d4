package dev.berth.runtime.network;

import dev.berth.oci.json.Json;
import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The network for real: a test bridge, processes in their own network namespaces, traffic over 127.0.0.1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BridgeNetworkTest {
    private TestNetwork test;
    private BridgeNetwork network;
    private final List<NetnsProcess> containers = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    void openTestNetwork() throws IOException {
        test = TestNetwork.create();
        network = test.network;
    }

    @AfterEach
    void endContainers() {
        synchronized (containers) {
            containers.forEach(NetnsProcess::close);
            containers.clear();
        }
        network.reconcile(Set.of());
    }

    @AfterAll
    void removeTestNetwork() {
        if (test != null) {
            test.close();
            assertThat(HostCommand.attempt(null, List.of("ip", "link", "show", test.bridge)).succeeded()).isFalse();
            assertThat(test.allRules()).isEmpty();
        }
    }

    private NetnsProcess container() throws IOException, InterruptedException {
        NetnsProcess process = NetnsProcess.start();
        containers.add(process);
        return process;
    }

    @Test
    void attachGivesTheNamespaceEth0WithItsAddressAndADefaultRoute() throws Exception {
        NetnsProcess container = container();
        String id = test.newContainerId();

        Attachment attachment = network.attach(id, "web", container.pid(), List.of());

        assertThat(test.subnet.contains(Ipv4Subnet.parseAddress(attachment.ipAddress(), "a"))).isTrue();
        assertThat(attachment.gateway()).isEqualTo(network.gateway());
        assertThat(attachment.prefixLength()).isEqualTo(test.subnet.prefixLength());
        assertThat(attachment.hostVeth()).isEqualTo("bv" + id.substring(0, 12));
        JsonNode eth0 = Json.mapper().readTree(container.run("ip", "-j", "addr", "show", "eth0").stdout()).get(0);
        assertThat(eth0.path("operstate").asString()).isEqualTo("UP");
        assertThat(eth0.path("address").asString()).isEqualTo(attachment.macAddress());
        assertThat(eth0.path("addr_info").toString())
                .contains("\"local\":\"" + attachment.ipAddress() + "\"", "\"prefixlen\":" + attachment.prefixLength());
        JsonNode routes = Json.mapper().readTree(container.run("ip", "-j", "route", "show", "default").stdout());
        assertThat(routes.get(0).path("gateway").asString()).isEqualTo(network.gateway());
        assertThat(routes.get(0).path("dev").asString()).isEqualTo("eth0");
        assertThat(container.run("ip", "-j", "link", "show", "lo").stdout()).contains("\"UP\"");
        JsonNode hostEnd = Json.mapper().readTree(HostCommand.run("ip", null,
                List.of("ip", "-j", "link", "show", attachment.hostVeth()))).get(0);
        assertThat(hostEnd.path("master").asString()).isEqualTo(test.bridge);
        assertThat(network.attachments()).containsExactly(attachment);
    }

    @Test
    void twoContainersPingEachOtherAndTheGateway() throws Exception {
        NetnsProcess first = container();
        NetnsProcess second = container();
        Attachment a = network.attach(test.newContainerId(), "first", first.pid(), List.of());
        Attachment b = network.attach(test.newContainerId(), "second", second.pid(), List.of());

        assertThat(a.ipAddress()).isNotEqualTo(b.ipAddress());
        assertThat(first.run("busybox", "ping", "-c1", "-W2", b.ipAddress()).exitCode()).isZero();
        assertThat(second.run("busybox", "ping", "-c1", "-W2", a.ipAddress()).exitCode()).isZero();
        assertThat(first.run("busybox", "ping", "-c1", "-W2", network.gateway()).exitCode()).isZero();
        assertThat(network.attachments()).extracting(Attachment::name).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void publishedPortsAnswerOnLoopback(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("index.html"), "hello from the container\n");
        NetnsProcess container = container();
        Attachment attachment = network.attach(test.newContainerId(), "web", container.pid(), List.of(
                PortMapping.parse("127.0.0.1::80"), PortMapping.parse("80")));
        container.spawn("busybox", "httpd", "-f", "-p", "80", "-h", site.toString());

        assertThat(attachment.ports()).hasSize(2).allSatisfy(p -> assertThat(p.hostPort()).isPositive());
        PortMapping loopbackOnly = attachment.ports().get(0);
        PortMapping allAddresses = attachment.ports().get(1);
        assertThat(loopbackOnly.hostIp()).isEqualTo("127.0.0.1");
        assertThat(allAddresses.hostIp()).isEmpty();
        assertThat(httpGet(loopbackOnly.hostPort())).isEqualTo("hello from the container\n");
        assertThat(httpGet(allAddresses.hostPort())).isEqualTo("hello from the container\n");
        assertThat(test.dnatRules()).hasSize(2);
    }

    @Test
    void containerReachesItsOwnPublishedPortThroughTheGateway(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("index.html"), "hairpin\n");
        NetnsProcess container = container();
        Attachment attachment = network.attach(test.newContainerId(), "web", container.pid(),
                List.of(PortMapping.parse("80")));
        container.spawn("busybox", "httpd", "-f", "-p", "80", "-h", site.toString());
        awaitHttp(attachment.ports().getFirst().hostPort());

        // busybox wget crashes here, so a plain HTTP/1.0 request through nc.
        HostCommand.Result fetched = HostCommand.attempt("GET /index.html HTTP/1.0\r\n\r\n", List.of("nsenter",
                "--net=/proc/" + container.pid() + "/ns/net", "busybox", "nc", "-w", "3", network.gateway(),
                Integer.toString(attachment.ports().getFirst().hostPort())));
        assertThat(fetched.stdout()).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nhairpin\n");
    }

    @Test
    void aTakenHostPortFailsClearlyAndLeavesNothingBehind() throws Exception {
        NetnsProcess container = container();
        List<String> vethsBefore = test.hostVeths();
        List<String> rulesBefore = test.allRules();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> network.attach(test.newContainerId(), "web", container.pid(),
                    List.of(PortMapping.parse("127.0.0.1:" + port + ":80"))))
                    .isInstanceOf(ContainerException.class)
                    .hasMessage("port 127.0.0.1:" + port + " is already in use");
            assertThatThrownBy(() -> BridgeNetwork.checkHostPortFree(PortMapping.parse(port + ":80")))
                    .hasMessage("port 0.0.0.0:" + port + " is already in use");
        }
        assertThat(test.hostVeths()).isEqualTo(vethsBefore);
        assertThat(test.allRules()).isEqualTo(rulesBefore);
        assertThat(test.allocations()).isZero();
        assertThat(container.run("ip", "link", "show", "eth0").succeeded()).isFalse();
    }

    @Test
    void aPortPublishedByAnotherContainerIsTakenToo() throws Exception {
        NetnsProcess first = container();
        NetnsProcess second = container();
        Attachment a = network.attach(test.newContainerId(), "first", first.pid(), List.of(PortMapping.parse("127.0.0.1::80")));
        int port = a.ports().getFirst().hostPort();
        List<String> rulesBefore = test.allRules();

        // No socket holds a published port, so only the network's own records can tell it is taken.
        BridgeNetwork.checkHostPortFree(new PortMapping("127.0.0.1", port, 80, "tcp"));
        assertThatThrownBy(() -> network.attach(test.newContainerId(), "second", second.pid(),
                List.of(PortMapping.parse(port + ":8080"))))
                .hasMessage("port 0.0.0.0:" + port + " is already in use by container first");
        assertThatThrownBy(() -> network.attach(test.newContainerId(), "second", second.pid(),
                List.of(PortMapping.parse("127.0.0.1:9:80"), PortMapping.parse("9:81"))))
                .hasMessage("port 0.0.0.0:9 is published twice");
        assertThat(test.allRules()).isEqualTo(rulesBefore);
        assertThat(test.allocations()).isEqualTo(1);
        assertThat(test.hostVeths()).containsExactly(a.hostVeth());
    }

    @Test
    void detachReleasesVethRulesAndAddressAndIsIdempotent() throws Exception {
        NetnsProcess container = container();
        String id = test.newContainerId();
        Attachment attachment = network.attach(id, "web", container.pid(), List.of(PortMapping.parse("127.0.0.1::80/udp")));
        assertThat(test.hostVeths()).containsExactly(attachment.hostVeth());
        assertThat(test.dnatRules()).singleElement().asString().contains("-p udp", "berth:" + id);

        network.detach(id);

        assertThat(test.hostVeths()).isEmpty();
        assertThat(test.dnatRules()).isEmpty();
        assertThat(test.allocations()).isZero();
        assertThat(container.run("ip", "link", "show", "eth0").succeeded()).isFalse();
        network.detach(id);
        network.detach(test.newContainerId());
        assertThat(test.allocations()).isZero();
    }

    @Test
    void detachAfterTheContainerDiedStillReleasesEverything() throws Exception {
        NetnsProcess container = container();
        String id = test.newContainerId();
        network.attach(id, "web", container.pid(), List.of(PortMapping.parse("127.0.0.1::80")));
        container.close(); // the namespace goes, and the kernel destroys the veth pair with it
        awaitNoVeths();

        network.detach(id);

        assertThat(test.dnatRules()).isEmpty();
        assertThat(test.allocations()).isZero();
    }

    @Test
    void reconcileReleasesLeftoversOfCrashedAttachesAndKeepsLiveContainers() throws Exception {
        NetnsProcess live = container();
        NetnsProcess forgotten = container();
        NetnsProcess unrecorded = container();
        String liveId = test.newContainerId();
        String forgottenId = test.newContainerId();
        String unrecordedId = test.newContainerId();
        String recordOnlyId = test.newContainerId();
        Attachment kept = network.attach(liveId, "live", live.pid(), List.of(PortMapping.parse("127.0.0.1::80")));
        network.attach(forgottenId, "forgotten", forgotten.pid(), List.of(PortMapping.parse("127.0.0.1::80")));
        Attachment lost = network.attach(unrecordedId, "unrecorded", unrecorded.pid(), List.of(PortMapping.parse("127.0.0.1::80")));
        NetworkStateStore store = new NetworkStateStore(test.stateDir, test.config.name(), test.bridge);
        // A daemon that crashed after recording an attach but before making anything ...
        store.update(s -> s.with(new Attachment(recordOnlyId, "record-only", "10.0.0.9", 24, "10.0.0.1",
                "02:42:0a:00:00:09", VethNames.hostVeth(recordOnlyId), List.of())));
        // ... and resources whose record is gone (a lost or older state file).
        store.update(s -> s.without(unrecordedId));
        assertThat(test.hostVeths()).hasSize(3);
        assertThat(test.dnatRules()).hasSize(3);

        network.reconcile(Set.of(liveId));

        assertThat(network.attachments()).containsExactly(kept);
        assertThat(test.hostVeths()).containsExactly(kept.hostVeth());
        assertThat(test.dnatRules()).singleElement().asString().contains("berth:" + liveId);
        assertThat(unrecorded.run("ip", "link", "show", "eth0").succeeded()).isFalse();
        assertThat(live.run("busybox", "ping", "-c1", "-W2", network.gateway()).exitCode()).isZero();
        assertThat(lost.hostVeth()).isNotIn(test.hostVeths());
    }

    @Test
    void containersCannotReachServicesTheHostBindsToLoopback() throws Exception {
        NetnsProcess container = container();
        Attachment attachment = network.attach(test.newContainerId(), "intruder", container.pid(), List.of());
        try (ServerSocket hostOnly = new ServerSocket()) {
            hostOnly.bind(new InetSocketAddress("127.0.0.1", 0));
            // route_localnet=1 on the bridge (needed for publishing on 127.0.0.1) would let a container send to the
            // host's 127.0.0.1 through its gateway. Craft exactly that: route 127.0.0.1 out of eth0.
            assertThat(container.run("sh", "-c", "sysctl -qw net.ipv4.conf.eth0.route_localnet=1"
                    + " && ip route del local 127.0.0.1 table local"
                    + " && ip route add 127.0.0.1/32 via " + attachment.gateway() + " dev eth0").exitCode()).isZero();
            long droppedBefore = loopbackDrops();

            HostCommand.Result attempt = container.run("busybox", "nc", "-w", "2", "127.0.0.1",
                    Integer.toString(hostOnly.getLocalPort()));

            assertThat(attempt.exitCode()).isNotZero();
            assertThat(loopbackDrops()).isGreaterThan(droppedBefore);
        }
    }

    @Test
    void attachRefusesBadInputWithoutRecordingAnything() throws Exception {
        NetnsProcess container = container();
        String id = test.newContainerId();
        assertThatThrownBy(() -> network.attach("bad id!", "web", container.pid(), List.of()))
                .hasMessageContaining("container id 'bad id!' is not valid");
        assertThatThrownBy(() -> network.attach(id, "web", Integer.MAX_VALUE, List.of()))
                .hasMessageContaining("does not exist; has the container exited?");
        assertThatThrownBy(() -> network.attach(id, "web", (int) ProcessHandle.current().pid(), List.of()))
                .hasMessageContaining("shares the host's network namespace");
        network.attach(id, "web", container.pid(), List.of());
        assertThatThrownBy(() -> network.attach(id, "web", container.pid(), List.of()))
                .hasMessageContaining("is already attached to network " + test.config.name());
        assertThat(test.allocations()).isEqualTo(1);
    }

    @Test
    void aFailingToolUndoesTheAttach() throws Exception {
        NetnsProcess container = container();
        // An eth0 already in the namespace makes creating the container's eth0 fail half-way.
        assertThat(container.run("ip", "link", "add", "eth0", "type", "bridge").exitCode()).isZero();
        String id = test.newContainerId();

        assertThatThrownBy(() -> network.attach(id, "web", container.pid(), List.of(PortMapping.parse("127.0.0.1::80"))))
                .isInstanceOf(ContainerException.class)
                .hasMessageContaining("creating interface bv" + id.substring(0, 12) + " for container " + id + " failed");

        assertThat(test.hostVeths()).isEmpty();
        assertThat(test.dnatRules()).isEmpty();
        assertThat(test.allocations()).isZero();
    }

    @Test
    void reopeningKeepsSubnetAndAddsNoDuplicateRules() {
        List<String> rules = test.allRules();
        BridgeNetwork again = BridgeNetwork.open(test.config);
        assertThat(again.subnetCidr()).isEqualTo(network.subnetCidr());
        assertThat(test.allRules()).isEqualTo(rules);
        assertThat(rules).anyMatch(r -> r.startsWith("-A PREROUTING ") && r.endsWith("-j BERTH-DNAT-" + test.bridge))
                .anyMatch(r -> r.startsWith("-A OUTPUT ") && r.endsWith("-j BERTH-DNAT-" + test.bridge))
                .anyMatch(r -> r.startsWith("-A POSTROUTING ") && r.endsWith("-j BERTH-POST-" + test.bridge))
                .anyMatch(r -> r.startsWith("-A FORWARD ") && r.endsWith("-j BERTH-FWD-" + test.bridge));
        assertThatThrownBy(() -> BridgeNetwork.open(new NetworkConfig(test.config.name(), test.bridge,
                "192.0.2.0/24", test.stateDir)))
                .hasMessageContaining("overlaps address 192.0.2.0/24 on eth0");
        assertThatThrownBy(() -> BridgeNetwork.open(new NetworkConfig("x", "lo", null, test.stateDir.resolve("x"))))
                .hasMessageContaining("a device of that name exists and is not a bridge");
    }

    @Test
    void fiftyConcurrentAttachDetachCyclesNeverShareAnAddressOrLeak() throws Exception {
        int count = 50;
        List<NetnsProcess> processes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            processes.add(container());
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(test.newContainerId());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
            List<Callable<Attachment>> attaches = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                List<PortMapping> ports = n % 2 == 0 ? List.of(PortMapping.parse("127.0.0.1::80")) : List.of();
                attaches.add(() -> network.attach(ids.get(n), "c" + n, processes.get(n).pid(), ports));
            }
            List<Attachment> attached = new ArrayList<>();
            for (Future<Attachment> done : pool.invokeAll(attaches)) {
                attached.add(done.get());
            }
            assertThat(attached).extracting(Attachment::ipAddress).doesNotHaveDuplicates().hasSize(count);
            assertThat(attached).flatExtracting(Attachment::ports).extracting(PortMapping::hostPort)
                    .doesNotHaveDuplicates().hasSize(count / 2);
            assertThat(test.hostVeths()).hasSize(count);
            assertThat(test.dnatRules()).hasSize(count / 2);
            assertThat(test.allocations()).isEqualTo(count);
            for (int i = 0; i < count; i++) {
                String inside = processes.get(i).run("ip", "-j", "addr", "show", "eth0").stdout();
                assertThat(inside).contains("\"local\":\"" + attached.get(i).ipAddress() + "\"");
            }

            // Each container detaches and attaches again while the others do the same.
            List<Callable<Attachment>> cycles = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                cycles.add(() -> {
                    network.detach(ids.get(n));
                    return network.attach(ids.get(n), "c" + n, processes.get(n).pid(), List.of(PortMapping.parse("127.0.0.1::80")));
                });
            }
            List<Attachment> again = new ArrayList<>();
            for (Future<Attachment> done : pool.invokeAll(cycles)) {
                again.add(done.get());
            }
            assertThat(again).extracting(Attachment::ipAddress).doesNotHaveDuplicates().hasSize(count);
            assertThat(test.hostVeths()).hasSize(count);
            assertThat(test.dnatRules()).hasSize(count);

            List<Callable<Void>> detaches = new ArrayList<>();
            for (String id : ids) {
                detaches.add(() -> {
                    network.detach(id);
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(detaches)) {
                done.get();
            }
        }
        assertThat(test.hostVeths()).isEmpty();
        assertThat(test.dnatRules()).isEmpty();
        assertThat(test.allocations()).isZero();
    }

    @Test
    void anotherProcessAttachingAtTheSameTimeNeverGetsTheSameAddress() throws Exception {
        int each = 20;
        List<String> otherIds = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            otherIds.add(test.newContainerId());
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), AttachFromAnotherProcess.class.getName(),
                test.config.name(), test.bridge, test.subnet.toString(), test.stateDir.toString()));
        command.addAll(otherIds);
        Process other = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var toOther = new java.io.PrintWriter(other.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
             var fromOther = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                     java.nio.charset.StandardCharsets.UTF_8));
             ExecutorService pool = Executors.newFixedThreadPool(each)) {
            List<NetnsProcess> processes = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                processes.add(container());
                ids.add(test.newContainerId());
            }
            assertThat(fromOther.readLine()).isEqualTo("STARTED");
            toOther.println("GO");
            List<Callable<Attachment>> attaches = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                int n = i;
                attaches.add(() -> network.attach(ids.get(n), "here" + n, processes.get(n).pid(), List.of()));
            }
            List<String> addresses = new ArrayList<>();
            for (Future<Attachment> done : pool.invokeAll(attaches)) {
                addresses.add(done.get().ipAddress());
            }
            String line;
            while ((line = fromOther.readLine()) != null && !line.equals("READY")) {
                assertThat(line).startsWith("ATTACHED ");
                addresses.add(line.split(" ")[2]);
            }
            assertThat(line).isEqualTo("READY");

            assertThat(addresses).hasSize(2 * each).doesNotHaveDuplicates();
            assertThat(network.attachments()).hasSize(2 * each);
            assertThat(test.hostVeths()).hasSize(2 * each);

            toOther.println("DONE?");
            assertThat(fromOther.readLine()).isEqualTo("DONE");
            for (String id : ids) {
                network.detach(id);
            }
        } finally {
            other.destroyForcibly();
            other.waitFor();
        }
        assertThat(test.hostVeths()).isEmpty();
        assertThat(test.allocations()).isZero();
    }

    @Test
    void attachAndDetachLatency() throws Exception {
        int rounds = 15;
        NetnsProcess container = container();
        long[] attachPlain = new long[rounds];
        long[] detachPlain = new long[rounds];
        long[] attachPublished = new long[rounds];
        long[] detachPublished = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            String id = test.newContainerId();
            long start = System.nanoTime();
            network.attach(id, "timed", container.pid(), List.of());
            attachPlain[i] = System.nanoTime() - start;
            start = System.nanoTime();
            network.detach(id);
            detachPlain[i] = System.nanoTime() - start;
            start = System.nanoTime();
            network.attach(id, "timed", container.pid(), List.of(PortMapping.parse("127.0.0.1::80")));
            attachPublished[i] = System.nanoTime() - start;
            start = System.nanoTime();
            network.detach(id);
            detachPublished[i] = System.nanoTime() - start;
        }
        System.out.printf("network latency (median of %d, ms): attach %.1f, detach %.1f, attach with -p %.1f, "
                        + "detach with -p %.1f%n", rounds, median(attachPlain), median(detachPlain),
                median(attachPublished), median(detachPublished));
        assertThat(test.hostVeths()).isEmpty();
        assertThat(test.allocations()).isZero();
        assertThat(median(attachPublished)).isLessThan(1000);
    }

    private long loopbackDrops() {
        String counters = HostCommand.run("reading counters", null, List.of("iptables", "-w", "-t", "filter", "-L",
                "BERTH-IN-" + test.bridge, "-v", "-x", "-n"));
        return counters.lines().filter(l -> l.contains("DROP")).mapToLong(l -> Long.parseLong(l.strip().split("\\s+")[0]))
                .sum();
    }

    private void awaitNoVeths() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!test.hostVeths().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(test.hostVeths()).isEmpty();
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static String httpGet(int port) throws Exception {
        return awaitHttp(port);
    }

    /** GETs /index.html on 127.0.0.1:port, retrying while the server inside the namespace starts. */
    private static String awaitHttp(int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                    .timeout(Duration.ofSeconds(3)).build();
            IOException last = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return response.body();
                    }
                } catch (IOException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("nothing answered on 127.0.0.1:" + port, last);
        }
    }
}
