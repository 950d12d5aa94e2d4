package dev.berth.registry.server;

import dev.berth.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's certificate chain (PEM, leaf first) and private key (PEM, unencrypted PKCS#8, RSA or EC) as an in-memory
 * key store for Jetty. Every failure is a {@link RegistryException} that names the file and, where it helps, the
 * command that fixes it; a key that does not belong to the certificate is caught here, not at the first handshake.
 */
record PemKeyStore(KeyStore keyStore, String password) {
    private static final String ALIAS = "berth-registry";
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    static PemKeyStore load(Path certFile, Path keyFile) {
        X509Certificate[] chain = readChain(certFile);
        PrivateKey key = readKey(keyFile, chain[0]);
        checkPair(key, chain[0], certFile, keyFile);
        String password = java.util.UUID.randomUUID().toString();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, password.toCharArray(), chain);
            return new PemKeyStore(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new RegistryException("cannot build a key store from " + certFile + " and " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate[] readChain(Path file) {
        String text = read(file, "--tls-cert");
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new RegistryException("TLS certificate " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new RegistryException("TLS certificate " + file + " is not a valid PEM certificate chain: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new RegistryException("TLS certificate " + file + " holds no certificate");
        }
        return certificates.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    private static PrivateKey readKey(Path file, X509Certificate leaf) {
        String text = read(file, "--tls-key");
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return decodePkcs8(file, block.group(2), leaf.getPublicKey().getAlgorithm());
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new RegistryException("TLS key " + file + " is a " + type
                        + " (PKCS#1/SEC1); convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt -in " + file + "'");
                case "ENCRYPTED PRIVATE KEY" -> throw new RegistryException("TLS key " + file
                        + " is encrypted; decrypt it with 'openssl pkcs8 -topk8 -nocrypt -in " + file + "'");
                default -> {
                    // EC PARAMETERS before the key, say: look further
                }
            }
        }
        throw new RegistryException("TLS key " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey decodePkcs8(Path file, String base64, String certificateAlgorithm) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new RegistryException("TLS key " + file + " is not valid PEM: " + e.getMessage(), e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException failure = null;
        // the certificate's key algorithm first; then the others, for a key that does not match (reported later)
        for (String algorithm : new String[] {certificateAlgorithm, "RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                failure = failure == null ? e : failure;
            }
        }
        throw new RegistryException("TLS key " + file + " is not a valid PKCS#8 RSA or EC private key: "
                + (failure == null ? "" : failure.getMessage()), failure);
    }

    /** Signs a few bytes with the key and verifies with the certificate: a mismatched pair fails every handshake. */
    private static void checkPair(PrivateKey key, X509Certificate leaf, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new RegistryException("TLS key " + keyFile + " is " + key.getAlgorithm() + ", expected RSA or EC");
        };
        boolean matches;
        try {
            byte[] probe = "berth-registry key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new RegistryException("TLS key " + keyFile + " does not belong to the certificate " + certFile
                    + " (the first certificate must be the server's own)");
        }
    }

    private static String read(Path file, String option) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new RegistryException(option + " file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new RegistryException("cannot read " + option + " file " + file + ": " + e.getMessage(), e);
        }
    }
}
