package dev.berth.build.engine;

import java.time.Duration;

/**
 * What a build reports as it goes, for the display. Called from the stages' threads: implementations are
 * thread-safe. Every step is started, then either cached, or finished or failed.
 */
public interface BuildListener {
    /**
     * One step of one stage.
     *
     * @param id unique in the build, in the order steps were planned
     * @param stage the stage's label ("builder", "stage-0")
     * @param index the step's number in its stage, from 1 (the FROM)
     * @param total the stage's step count
     * @param text the instruction as written ("RUN make")
     * @param multiStage whether the build has more than one stage (labels then name the stage)
     */
    record Step(int id, String stage, int index, int total, String text, boolean multiStage) {
        /** {@code [builder 2/5]} in a multi-stage build, {@code [2/5]} otherwise. */
        public String label() {
            return "[" + (multiStage ? stage + " " : "") + index + "/" + total + "]";
        }
    }

    void started(Step step);

    void cached(Step step);

    void output(Step step, String line, boolean stderr);

    void finished(Step step, Duration took);

    void failed(Step step, String message);

    /** Something the user should know that does not stop the build ("build-arg FOO was not consumed"). */
    void warning(String message);

    /** The last phase ("exporting the image", "naming to …"). */
    void info(String message);

    /** A listener that ignores everything. */
    BuildListener NONE = new BuildListener() {
        @Override
        public void started(Step step) {
        }

        @Override
        public void cached(Step step) {
        }

        @Override
        public void output(Step step, String line, boolean stderr) {
        }

        @Override
        public void finished(Step step, Duration took) {
        }

        @Override
        public void failed(Step step, String message) {
        }

        @Override
        public void warning(String message) {
        }

        @Override
        public void info(String message) {
        }
    };
}
