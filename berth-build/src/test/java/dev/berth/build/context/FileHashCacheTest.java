package dev.berth.build.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.build.copy.CopyRequest;
import dev.berth.build.copy.CopySource;
import dev.berth.build.copy.CopyStep;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHashCacheTest {
    @TempDir
    Path temp;

    @Test
    void hashesOncePerStampAndAgainWhenTheFileChanges() throws IOException {
        Path file = Files.writeString(temp.resolve("f"), "hello");
        FileHashCache cache = FileHashCache.inMemory();
        String first = cache.sha256(file);
        assertThat(first).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(cache.sha256(file)).isEqualTo(first);
        assertThat(cache.filesHashed()).isEqualTo(1);

        FileTime mtime = Files.getLastModifiedTime(file);
        Files.writeString(file, "jello"); // same size, and the mtime put back: ctime still tells
        Files.setLastModifiedTime(file, mtime);
        assertThat(cache.sha256(file)).isNotEqualTo(first);
        assertThat(cache.filesHashed()).isEqualTo(2);
    }

    @Test
    void persistsAcrossBuildsAndSkipsRacyEntries() throws IOException {
        Path file = Files.writeString(temp.resolve("f"), "content");
        Path store = temp.resolve("store/build/hashes");
        FileHashCache racy = FileHashCache.open(store); // the default 2 s window: a file written just now
        racy.sha256(file);
        racy.save();
        FileHashCache afterRacy = FileHashCache.open(store);
        afterRacy.sha256(file);
        assertThat(afterRacy.filesHashed()).isEqualTo(1); // was not trusted to the file

        FileHashCache build1 = FileHashCache.open(store, 0);
        String digest = build1.sha256(file);
        build1.save();
        FileHashCache build2 = FileHashCache.open(store, 0);
        assertThat(build2.sha256(file)).isEqualTo(digest);
        assertThat(build2.filesHashed()).isZero();
    }

    @Test
    void aDamagedCacheFileIsIgnored() throws IOException {
        Path store = Files.writeString(temp.resolve("hashes"), "berth file hash cache v1\nnot numbers at all x y z w\n");
        Path file = Files.writeString(temp.resolve("f"), "x");
        FileHashCache cache = FileHashCache.open(store, 0);
        assertThat(cache.sha256(file)).hasSize(64);
        cache.save();
        assertThat(Files.readAllLines(store)).hasSize(2).first().isEqualTo("berth file hash cache v1");
    }

    /** The rebuild-with-nothing-changed path for a few hundred files: nothing is read again. */
    @Test
    void noChangeRebuildOfAFewHundredFilesReadsNoContent() throws IOException {
        Path context = Files.createDirectories(temp.resolve("context"));
        for (int i = 0; i < 400; i++) {
            Path file = context.resolve("src/pkg" + (i % 20) + "/module" + i + ".py");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "print(" + i + ")\n".repeat(50));
        }
        Path store = temp.resolve("hashes");
        Instruction.CopySpec spec = new Instruction.CopySpec(List.of("src"), "/app/", null, null, false, false,
                List.of(), List.of());
        CopyRequest request = CopyRequest.of(new Instruction.Copy(new SourcePosition("Dockerfile", 3, 1), "COPY src /app/",
                spec, null), new CopySource.Context(BuildContext.withoutIgnoreFile(context)), "/");

        FileHashCache cold = FileHashCache.open(store, 0);
        String digest;
        try (CopyStep step = CopyStep.prepare(request, cold)) {
            digest = step.sourceDigest();
        }
        cold.save();
        assertThat(cold.filesHashed()).isEqualTo(400);

        FileHashCache warm = null;
        String again = null;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            warm = FileHashCache.open(store, 0);
            long loaded = System.nanoTime();
            try (CopyStep step = CopyStep.prepare(request, warm)) {
                again = step.sourceDigest();
            }
            long end = System.nanoTime();
            System.out.println("no-change source digest of 400 files: load " + (loaded - start) / 1_000_000 + " ms, prepare "
                    + (end - loaded) / 1_000_000 + " ms");
        }
        assertThat(again).isEqualTo(digest);
        assertThat(warm.filesHashed()).isZero();
    }
}
