package dev.berth.tiny.container;

import dev.berth.oci.OciException;
import dev.berth.oci.digest.Digest;
import dev.berth.oci.image.Descriptor;
import dev.berth.oci.image.Manifest;
import dev.berth.oci.image.MediaTypes;
import dev.berth.oci.json.Json;
import dev.berth.oci.reference.Reference;
import dev.berth.oci.store.ImageStore;
import dev.berth.oci.store.Lease;
import dev.berth.tiny.TinyException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Ed25519 signatures of tiny containers, stored beside them as OCI artifacts so push and pull carry them: a manifest
 * whose {@code subject} is the signed container, whose one layer is the 64-byte signature, tagged
 * {@code NAME:sha256-HEX.sig}. What is signed is a fixed prefix plus the container's manifest digest.
 */
public final class Signatures {
    public static final String ARTIFACT_TYPE = "application/vnd.berth.tiny.signature.v1+json";
    public static final String SIGNATURE_LAYER = "application/vnd.berth.tiny.signature.v1+ed25519";
    private static final String PREFIX = "berth-tiny-signature-v1\n";

    private Signatures() {
    }

    /** The tag a container's signature is stored under, in the same repository. */
    public static String signatureReference(String reference, Digest container) {
        try {
            return Reference.parse(reference).repositoryOnly().withTag(container.algorithm() + "-" + container.encoded() + ".sig").toString();
        } catch (OciException e) {
            throw new TinyException("invalid reference '" + reference + "': " + e.getMessage());
        }
    }

    /** Writes a new Ed25519 key pair as PEM: {@code private} (PKCS#8, mode 600) and {@code public} (X.509). */
    public static void generate(Path privateKey, Path publicKey) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.setPosixFilePermissions(privateKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new TinyException("cannot write the key pair: " + e.getMessage());
        }
    }

    /** Signs a stored container and tags the signature beside it; returns the signature's reference. */
    public static String sign(ImageStore store, String reference, Path privateKeyFile) {
        PrivateKey key = readPrivate(privateKeyFile);
        TinyContainer container = TinyContainer.load(store, reference);
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update((PREFIX + container.manifestDigest()).getBytes(StandardCharsets.UTF_8));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new TinyException("cannot sign with " + privateKeyFile + ": " + e.getMessage());
        }
        String target = signatureReference(reference, container.manifestDigest());
        try (Lease lease = store.lease()) {
            Descriptor config = lease.put(MediaTypes.OCI_EMPTY, "{}".getBytes(StandardCharsets.UTF_8));
            Descriptor layer = lease.put(SIGNATURE_LAYER, signature);
            byte[] subjectBytes = store.content().read(container.manifestDigest());
            Descriptor subject = Descriptor.of(MediaTypes.OCI_MANIFEST, container.manifestDigest(), subjectBytes.length);
            Manifest manifest = new Manifest(2, MediaTypes.OCI_MANIFEST, ARTIFACT_TYPE, config, List.of(layer), subject,
                    Map.of("dev.berth.tiny.signed-digest", container.manifestDigest().toString()));
            Descriptor written = lease.put(MediaTypes.OCI_MANIFEST, Json.canonicalBytes(manifest));
            store.tag(Reference.parse(target), written);
        } catch (OciException e) {
            throw new TinyException("cannot store the signature: " + e.getMessage());
        }
        return target;
    }

    /**
     * Checks a container's signature fetched through {@code fetch} (signature manifest bytes, then the signature
     * blob); throws a TinyException saying what is wrong.
     */
    public static void verify(Digest container, byte[] signatureManifest, java.util.function.Function<Descriptor, byte[]> blob,
                              PublicKey trusted) {
        Manifest manifest;
        try {
            manifest = Json.read(signatureManifest, Manifest.class, "signature manifest");
        } catch (OciException e) {
            throw new TinyException(e.getMessage());
        }
        if (!ARTIFACT_TYPE.equals(manifest.artifactType()) || manifest.subject() == null || manifest.layers().size() != 1) {
            throw new TinyException("the signature artifact of " + container + " is not a Berth tiny signature");
        }
        if (!manifest.subject().digest().equals(container)) {
            throw new TinyException("the signature is for " + manifest.subject().digest() + ", not " + container);
        }
        Descriptor layer = manifest.layers().getFirst();
        byte[] signature = blob.apply(layer);
        if (!Digest.sha256(signature).equals(layer.digest())) {
            throw new TinyException("the downloaded signature is corrupt: it does not match digest " + layer.digest());
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(trusted);
            verifier.update((PREFIX + container).getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                throw new TinyException("the signature of " + container + " does not verify with the fleet's trusted key");
            }
        } catch (GeneralSecurityException e) {
            throw new TinyException("the signature of " + container + " cannot be checked: " + e.getMessage());
        }
    }

    public static PublicKey readPublic(Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(file, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new TinyException(file + " is not an Ed25519 public key: " + e.getMessage());
        }
    }

    private static PrivateKey readPrivate(Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(file, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new TinyException(file + " is not an Ed25519 private key: " + e.getMessage());
        }
    }

    private static byte[] der(Path file, String label) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TinyException("cannot read key " + file + ": " + e.getMessage());
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new TinyException(file + " holds no PEM '" + label + "'");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new TinyException(file + ": malformed PEM: " + e.getMessage());
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
