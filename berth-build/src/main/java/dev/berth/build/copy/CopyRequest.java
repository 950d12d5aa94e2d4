package dev.berth.build.copy;

import dev.berth.build.BuildException;
import dev.berth.build.context.BuildContext;
import dev.berth.build.dockerfile.Instruction;
import dev.berth.build.dockerfile.SourcePosition;
import java.util.Map;

/**
 * One COPY or ADD to carry out, its words already expanded (ARG/ENV substituted, quotes removed).
 *
 * @param keyword "COPY" or "ADD", for messages
 * @param position where the instruction is, for messages
 * @param source where local sources are read from
 * @param spec sources, destination and the shared flags
 * @param workdir the stage's WORKDIR at this instruction (absolute; "/" when none), for a relative destination
 * @param add ADD semantics: URLs are downloaded and local tar archives extracted
 * @param checksum ADD's {@code --checksum=sha256:…}, or null
 * @param normalizeModes reproducible mode for context files: 0755 for directories and files with any execute bit,
 *     0644 for other files, so a checkout's umask does not change the image (not what Docker does; off by default)
 * @param pinnedDigests URL → "sha256:…" from a lock file: a download must match it, as if given by --checksum
 */
public record CopyRequest(String keyword, SourcePosition position, CopySource source, Instruction.CopySpec spec,
                          String workdir, boolean add, /* nullable */ String checksum, boolean normalizeModes,
                          Map<String, String> pinnedDigests) {

    public CopyRequest {
        pinnedDigests = Map.copyOf(pinnedDigests);
        if (workdir == null || workdir.isEmpty()) {
            workdir = "/";
        }
    }

    /** An expanded COPY; {@code source} is the context or, for {@code --from}, the stage's or image's root. */
    public static CopyRequest of(Instruction.Copy copy, CopySource source, String workdir) {
        return new CopyRequest("COPY", copy.position(), source, copy.spec(), workdir, false, null, false, Map.of());
    }

    /** An expanded ADD, which reads from the build context. */
    public static CopyRequest of(Instruction.Add add, BuildContext context, String workdir) {
        if (add.keepGitDir()) {
            throw new BuildException("ADD failed: --keep-git-dir applies to git sources, which are not supported yet ("
                    + add.position() + ")");
        }
        return new CopyRequest("ADD", add.position(), new CopySource.Context(context), add.spec(), workdir, true,
                add.checksum(), false, Map.of());
    }

    /** The same request with context modes normalized (see the record's doc). */
    public CopyRequest withNormalizedModes(boolean normalize) {
        return new CopyRequest(keyword, position, source, spec, workdir, add, checksum, normalize, pinnedDigests);
    }

    /** The same request with URL digests pinned by a lock file. */
    public CopyRequest withPinnedDigests(Map<String, String> pins) {
        return new CopyRequest(keyword, position, source, spec, workdir, add, checksum, normalizeModes, pins);
    }

    /** "COPY failed: what (Dockerfile:5:1)". */
    BuildException failure(String what) {
        return new BuildException(keyword + " failed: " + what + " (" + position + ")");
    }

    BuildException failure(String what, Throwable cause) {
        return new BuildException(keyword + " failed: " + what + " (" + position + ")", cause);
    }
}
