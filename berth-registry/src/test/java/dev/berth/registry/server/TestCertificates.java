package dev.berth.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1, made with the JDK's keytool and turned into PEM files (certificate and
 * PKCS#8 key) with openssl, as an operator would make them.
 */
record TestCertificates(Path cert, Path key) {
    private static final String PASSWORD = "changeit";

    /** {@code keyAlgorithm} is EC or RSA. */
    static TestCertificates create(Path dir, String keyAlgorithm) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path store = dir.resolve("server.p12");
        Path cert = dir.resolve("cert.pem");
        Path pkcs12Key = dir.resolve("pkcs12-key.pem");
        Path key = dir.resolve("key.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "registry", "-keyalg", keyAlgorithm,
                "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        run(keytool, "-exportcert", "-rfc", "-alias", "registry", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        run("openssl", "pkcs12", "-in", store.toString(), "-nocerts", "-nodes", "-passin", "pass:" + PASSWORD,
                "-out", pkcs12Key.toString());
        run("openssl", "pkey", "-in", pkcs12Key.toString(), "-out", key.toString());
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        return new TestCertificates(cert, key);
    }

    /** An SSL context that trusts this certificate and nothing else. */
    SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("registry", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + new String(output, StandardCharsets.UTF_8)).isZero();
    }
}
