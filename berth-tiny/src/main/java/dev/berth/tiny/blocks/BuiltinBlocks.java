package dev.berth.tiny.blocks;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The processing blocks Berth provides, under the names Rune's proc-blocks repository uses, so a Runefile's
 * {@code hotg-ai/proc-blocks@v0.11.3#fft} (or plain {@code fft}) finds them. {@code -} and {@code _} are the same.
 */
public final class BuiltinBlocks {
    private static final Map<String, ProcBlockFactory> BLOCKS = List.of(
                    new SpectrogramBlock(), new NoiseFilteringBlock(), new NormalizeBlock(),
                    new ElementwiseBlock("image-normalization"), new ElementwiseBlock("modulo"),
                    new RankingBlock("most_confident_indices"), new RankingBlock("argmax"), new LabelBlock())
            .stream().collect(Collectors.toMap(b -> key(b.name()), Function.identity(), (a, b) -> a, TreeMap::new));

    private BuiltinBlocks() {
    }

    private static String key(String name) {
        return name.replace('-', '_');
    }

    /** True if a proc-block reference points at a file in the build directory rather than a built-in. */
    public static boolean isLocal(String reference) {
        return reference.startsWith("./") || reference.startsWith("../") || reference.startsWith("/")
                || reference.endsWith(".wasm");
    }

    /** The built-in a reference names: the part after {@code #} if any, else the last path segment. */
    public static Optional<ProcBlockFactory> find(String reference) {
        String name = reference;
        int hash = name.indexOf('#');
        if (hash >= 0) {
            name = name.substring(hash + 1);
        } else {
            int at = name.indexOf('@');
            name = at >= 0 ? name.substring(0, at) : name;
            name = name.substring(name.lastIndexOf('/') + 1);
        }
        return Optional.ofNullable(BLOCKS.get(key(name)));
    }

    public static List<String> names() {
        return BLOCKS.values().stream().map(ProcBlockFactory::name).toList();
    }
}
