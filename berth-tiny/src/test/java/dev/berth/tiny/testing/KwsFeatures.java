package dev.berth.tiny.testing;

/**
 * The MLPerf Tiny keyword-spotting features, computed as its TensorFlow training pipeline does: frames of 30 ms
 * every 20 ms over one second of 16 kHz audio scaled to [-1, 1), periodic Hann window, 512-point FFT magnitude,
 * 40 HTK-mel bands from 20 Hz to 4 kHz (tf.signal.linear_to_mel_weight_matrix, DC bin zeroed), log(mel + 1e-6),
 * DCT-II scaled by 1/sqrt(2N) (tf.signal.mfccs_from_log_mel_spectrograms), first 10 coefficients: 49 x 10.
 */
public final class KwsFeatures {
    private static final int FRAME = 480;
    private static final int STEP = 320;
    private static final int FFT = 512;
    private static final int BINS = FFT / 2 + 1;
    private static final int MELS = 40;
    private static final int COEFFICIENTS = 10;

    private KwsFeatures() {
    }

    public static float[] mfcc(short[] audio) {
        short[] second = new short[16000];
        System.arraycopy(audio, 0, second, 0, Math.min(audio.length, second.length));
        double[][] mel = melMatrix();
        int frames = 1 + (second.length - FRAME) / STEP;
        float[] features = new float[frames * COEFFICIENTS];
        double[] re = new double[FFT];
        double[] im = new double[FFT];
        double[] logMel = new double[MELS];
        for (int f = 0; f < frames; f++) {
            java.util.Arrays.fill(re, 0);
            java.util.Arrays.fill(im, 0);
            for (int n = 0; n < FRAME; n++) {
                double window = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / FRAME);
                re[n] = second[f * STEP + n] / 32768.0 * window;
            }
            dev.berth.tiny.blocks.Fft.transform(re, im);
            for (int m = 0; m < MELS; m++) {
                double sum = 0;
                for (int k = 0; k < BINS; k++) {
                    sum += Math.hypot(re[k], im[k]) * mel[k][m];
                }
                logMel[m] = Math.log(sum + 1e-6);
            }
            for (int c = 0; c < COEFFICIENTS; c++) {
                double sum = 0;
                for (int n = 0; n < MELS; n++) {
                    sum += logMel[n] * Math.cos(Math.PI * c * (2 * n + 1) / (2.0 * MELS));
                }
                features[f * COEFFICIENTS + c] = (float) (2 * sum / Math.sqrt(2.0 * MELS));
            }
        }
        return features;
    }

    private static double hzToMel(double hz) {
        return 1127.0 * Math.log(1 + hz / 700.0);
    }

    private static double[][] melMatrix() {
        double[][] weights = new double[BINS][MELS];
        double lower = hzToMel(20);
        double upper = hzToMel(4000);
        double[] edges = new double[MELS + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = lower + (upper - lower) * i / (MELS + 1);
        }
        for (int k = 1; k < BINS; k++) {
            double mel = hzToMel(8000.0 * k / (BINS - 1));
            for (int m = 0; m < MELS; m++) {
                double lowerSlope = (mel - edges[m]) / (edges[m + 1] - edges[m]);
                double upperSlope = (edges[m + 2] - mel) / (edges[m + 2] - edges[m + 1]);
                weights[k][m] = Math.max(0, Math.min(lowerSlope, upperSlope));
            }
        }
        return weights;
    }

}
