package dev.berth.oci.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;

/**
 * Random test data from a seed, for property tests written as JUnit parameterized tests: each case is one seed, shown in
 * the test's name, so a failure is rerun exactly by its seed.
 */
public final class Gen {
    private final SplittableRandom random;

    public Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Seeds 1..count, for {@code @MethodSource}. */
    public static LongStream seeds(int count) {
        return LongStream.rangeClosed(1, count);
    }

    public int between(int minInclusive, int maxInclusive) {
        return random.nextInt(minInclusive, maxInclusive + 1);
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    public long nextLong() {
        return random.nextLong();
    }

    public byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** A string of {@code min..max} characters drawn from {@code alphabet}. */
    public String string(String alphabet, int min, int max) {
        int length = between(min, max);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** Any UTF-16 code units, surrogates and controls included. */
    public String anyString(int max) {
        int length = between(0, max);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) random.nextInt(0x10000));
        }
        return s.toString();
    }

    @SafeVarargs
    public final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    public <T> List<T> list(int min, int max, Supplier<T> element) {
        int n = between(min, max);
        List<T> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(element.get());
        }
        return list;
    }
}
