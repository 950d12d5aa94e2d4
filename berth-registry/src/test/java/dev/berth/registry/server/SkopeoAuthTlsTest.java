package dev.berth.registry.server;

import static dev.berth.registry.server.SkopeoInteropTest.onPath;
import static dev.berth.registry.server.SkopeoInteropTest.run;
import static dev.berth.registry.server.SkopeoInteropTest.writeLayout;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.digest.Digest;
import dev.berth.oci.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real client against HTTPS and htpasswd: skopeo pushes with credentials, inspects, and is turned away without. */
class SkopeoAuthTlsTest {
    @TempDir
    Path tmp;

    @Test
    void skopeoPushesAndInspectsOverTlsWithCredentials() throws Exception {
        Assumptions.assumeTrue(onPath("skopeo"), "skopeo is not installed");
        Path layout = tmp.resolve("layout");
        Digest manifestDigest = writeLayout(layout, tmp);
        TestCertificates certificates = TestCertificates.create(tmp.resolve("tls"), "EC");
        Path htpasswd = RegistryAuthTest.htpasswd(tmp.resolve("auth"), "alice", "wonderland");
        var config = new RegistryServer.Config(tmp.resolve("registry"), "127.0.0.1", 0, false)
                .withHtpasswd(htpasswd, false).withTls(certificates.cert(), certificates.key());

        try (TestRegistry registry = new TestRegistry(config, HttpClient.newBuilder().sslContext(certificates.clientContext()))) {
            assertThat(registry.server.baseUri().getScheme()).isEqualTo("https");
            String image = "docker://127.0.0.1:" + registry.server.baseUri().getPort() + "/secure/img:1";
            run("skopeo", "--insecure-policy", "copy", "--dest-creds", "alice:wonderland", "--dest-tls-verify=false",
                    "oci:" + layout + ":latest", image);

            String inspect = run("skopeo", "--insecure-policy", "inspect", "--creds", "alice:wonderland", "--tls-verify=false", image);
            assertThat(Json.tree(inspect.getBytes(StandardCharsets.UTF_8), "inspect").get("Digest").stringValue())
                    .isEqualTo(manifestDigest.toString());
            // with the certificate as the trusted CA, verification on (skopeo's --cert-dir wants it as *.crt)
            Path certDir = Files.createDirectories(tmp.resolve("certs.d"));
            Files.copy(certificates.cert(), certDir.resolve("ca.crt"));
            String raw = run("skopeo", "--insecure-policy", "inspect", "--raw", "--creds", "alice:wonderland",
                    "--cert-dir", certDir.toString(), image);
            assertThat(Digest.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(manifestDigest);

            assertThat(fails("skopeo", "--insecure-policy", "inspect", "--tls-verify=false", "--no-creds", image))
                    .containsIgnoringCase("unauthorized");
            assertThat(fails("skopeo", "--insecure-policy", "inspect", "--tls-verify=false", "--creds", "alice:wrong", image))
                    .containsIgnoringCase("unauthorized");
        }
    }

    @Test
    void withAnonymousPullSkopeoPullsWithoutAndPushesWithCredentials() throws Exception {
        Assumptions.assumeTrue(onPath("skopeo"), "skopeo is not installed");
        Path layout = tmp.resolve("layout");
        Digest manifestDigest = writeLayout(layout, tmp);
        TestCertificates certificates = TestCertificates.create(tmp.resolve("tls"), "EC");
        Path htpasswd = RegistryAuthTest.htpasswd(tmp.resolve("auth"), "alice", "wonderland");
        var config = new RegistryServer.Config(tmp.resolve("registry"), "127.0.0.1", 0, false)
                .withHtpasswd(htpasswd, true).withTls(certificates.cert(), certificates.key());
        try (TestRegistry registry = new TestRegistry(config, HttpClient.newBuilder().sslContext(certificates.clientContext()))) {
            String image = "docker://127.0.0.1:" + registry.server.baseUri().getPort() + "/open/img:1";
            assertThat(fails("skopeo", "--insecure-policy", "copy", "--dest-no-creds", "--dest-tls-verify=false",
                    "oci:" + layout + ":latest", image)).containsIgnoringCase("unauthorized");
            run("skopeo", "--insecure-policy", "copy", "--dest-creds", "alice:wonderland", "--dest-tls-verify=false",
                    "oci:" + layout + ":latest", image);
            String inspect = run("skopeo", "--insecure-policy", "inspect", "--no-creds", "--tls-verify=false", image);
            assertThat(Json.tree(inspect.getBytes(StandardCharsets.UTF_8), "inspect").get("Digest").stringValue())
                    .isEqualTo(manifestDigest.toString());
        }
    }

    /** Runs a command that must fail; returns its output. */
    private String fails(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + text).isNotZero();
        return text;
    }
}
