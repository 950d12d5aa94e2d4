package dev.berth.tiny.audio;

import dev.berth.tiny.TinyException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A RIFF/WAVE file of 16-bit PCM samples (the format of the TinyML audio test data).
 *
 * @param samples the first channel's samples
 */
public record Wav(int sampleRate, int channels, short[] samples) {

    public static Wav read(Path file) {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new TinyException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (TinyException e) {
            throw new TinyException(file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    public static Wav parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new TinyException("not a WAV file (no RIFF/WAVE header)");
        }
        int position = 12;
        int sampleRate = 0;
        int channels = 0;
        int bits = 0;
        while (position + 8 <= bytes.length) {
            int id = b.getInt(position);
            long size = Integer.toUnsignedLong(b.getInt(position + 4));
            int body = position + 8;
            if (body + size > bytes.length) {
                size = bytes.length - body; // some writers leave the data size unset; take what is there
            }
            if (id == 0x20746d66) { // "fmt "
                if (size < 16) {
                    throw new TinyException("WAV fmt chunk is too short");
                }
                int format = Short.toUnsignedInt(b.getShort(body));
                channels = Short.toUnsignedInt(b.getShort(body + 2));
                sampleRate = b.getInt(body + 4);
                bits = Short.toUnsignedInt(b.getShort(body + 14));
                if ((format != 1 && format != 0xFFFE) || bits != 16 || channels < 1) {
                    throw new TinyException("only 16-bit PCM WAV is supported (format " + format + ", " + bits
                            + " bits, " + channels + " channels)");
                }
            } else if (id == 0x61746164) { // "data"
                if (channels == 0) {
                    throw new TinyException("WAV data chunk comes before the fmt chunk");
                }
                int frames = (int) (size / (2L * channels));
                short[] samples = new short[frames];
                for (int i = 0; i < frames; i++) {
                    samples[i] = b.getShort(body + 2 * channels * i);
                }
                return new Wav(sampleRate, channels, samples);
            }
            position = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new TinyException("WAV file has no data chunk");
    }
}
