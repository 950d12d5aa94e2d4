package dev.berth.tiny.audio;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.interpreter.MicroInterpreter;

/**
 * Runs a per-frame audio front end (a model that turns one frame of int16 samples into a feature vector, like
 * micro_speech's audio preprocessor) over a clip: frames of the model's input length every {@code stride}
 * samples, in order and with the front end's state reset at the start, features stacked frame after frame.
 */
public final class FrameFeatures {
    private FrameFeatures() {
    }

    /** Features of every whole frame of {@code audio}, in the front end's declared (quantized) output type. */
    public static int[] compute(MicroInterpreter frontend, short[] audio, int stride) {
        int frameLength = frontend.input(0).elementCount();
        if (stride <= 0) {
            throw new TinyException("frame stride must be positive, not " + stride);
        }
        if (audio.length < frameLength) {
            throw new TinyException("the clip has " + audio.length + " samples, fewer than one frame of " + frameLength);
        }
        int frames = 1 + (audio.length - frameLength) / stride;
        int width = frontend.output(0).elementCount();
        int[] features = new int[frames * width];
        int[] frame = new int[frameLength];
        frontend.resetState();
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < frameLength; i++) {
                frame[i] = audio[f * stride + i];
            }
            frontend.setInputQuantized(0, frame);
            frontend.invoke();
            System.arraycopy(frontend.outputQuantized(0), 0, features, f * width, width);
        }
        return features;
    }
}
