package dev.berth.cli.tiny;

import dev.berth.cli.GlobalOptions;
import dev.berth.tiny.TinyException;
import dev.berth.tiny.container.Signatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code berth tiny sign NAME:VERSION --key FILE}: an Ed25519 signature, tagged beside the container. */
@Command(name = "sign", description = "Sign a tiny container; push the printed signature tag with it.", mixinStandardHelpOptions = true)
public final class TinySignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME:VERSION")
    String reference;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Ed25519 private key (PEM, from 'berth tiny keygen').")
    Path key;

    @Override
    public Integer call() throws Exception {
        return TinyCli.guarded(() -> {
            String signature = Signatures.sign(GlobalOptions.store(), reference, key);
            spec.commandLine().getOut().println("Signed " + reference + ": " + signature);
            spec.commandLine().getOut().flush();
            return 0;
        });
    }

    /** {@code berth tiny keygen PREFIX}: writes PREFIX.pem (private) and PREFIX.pub.pem (public). */
    @Command(name = "keygen", description = "Make an Ed25519 key pair for signing tiny containers.", mixinStandardHelpOptions = true)
    public static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PREFIX")
        Path prefix;

        @Override
        public Integer call() throws Exception {
            return TinyCli.guarded(() -> {
                Path privateKey = Path.of(prefix + ".pem");
                Path publicKey = Path.of(prefix + ".pub.pem");
                if (Files.exists(privateKey) || Files.exists(publicKey)) {
                    throw new TinyException("refusing to overwrite " + privateKey + " or " + publicKey);
                }
                Signatures.generate(privateKey, publicKey);
                spec.commandLine().getOut().println("Wrote " + privateKey + " (keep it secret) and " + publicKey);
                spec.commandLine().getOut().flush();
                return 0;
            });
        }
    }
}
