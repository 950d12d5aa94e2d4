package dev.berth.tiny.kernels;

/**
 * A 16-bit fixed-point real FFT that computes exactly what KISS FFT (version 1.3.0, FIXED_POINT=16, the FFT of
 * TFLM's signal library) computes: Q15 twiddles rounded from cos/sin, every butterfly stage divides its inputs
 * by the radix (x * (32767 / radix), rounded), products round at bit 15, sums wrap to 16 bits. The real transform
 * packs N real samples as N/2 complex ones and untangles the halves with "super twiddles". Power-of-two lengths.
 */
final class KissFft16 {
    private final int ncfft;      // the complex length, nfft / 2
    private final int[] factors;  // radix, remaining length, ...
    private final short[] twRe;
    private final short[] twIm;
    private final short[] superRe;
    private final short[] superIm;
    // work buffers (allocated once)
    private final short[] inRe;
    private final short[] inIm;
    private final short[] outRe;
    private final short[] outIm;

    KissFft16(int nfft) {
        if (nfft < 4 || Integer.bitCount(nfft) != 1) {
            throw new IllegalArgumentException("fft length must be a power of two of at least 4: " + nfft);
        }
        this.ncfft = nfft / 2;
        this.factors = factor(ncfft);
        twRe = new short[ncfft];
        twIm = new short[ncfft];
        double pi = 3.14159265358979323846264338327;
        for (int i = 0; i < ncfft; i++) {
            double phase = -2 * pi * i / ncfft;
            twRe[i] = q15(Math.cos(phase));
            twIm[i] = q15(Math.sin(phase));
        }
        superRe = new short[ncfft / 2];
        superIm = new short[ncfft / 2];
        for (int i = 0; i < ncfft / 2; i++) {
            double phase = -pi * ((double) (i + 1) / ncfft + .5);
            superRe[i] = q15(Math.cos(phase));
            superIm[i] = q15(Math.sin(phase));
        }
        inRe = new short[ncfft];
        inIm = new short[ncfft];
        outRe = new short[ncfft];
        outIm = new short[ncfft];
    }

    private static short q15(double value) {
        return (short) Math.floor(.5 + 32767 * value);
    }

    /** KISS FFT's factorisation: radix 4 while possible, then 2. */
    private static int[] factor(int n) {
        int[] buffer = new int[64];
        int count = 0;
        int p = 4;
        while (n > 1) {
            while (n % p != 0) {
                p = p == 4 ? 2 : p + 1; // only reached for a final factor of 2 here
            }
            n /= p;
            buffer[count++] = p;
            buffer[count++] = n;
        }
        return java.util.Arrays.copyOf(buffer, count);
    }

    /**
     * Transforms {@code nfft} real samples (zero padded by the caller) into nfft/2 + 1 complex bins written as
     * interleaved re, im into {@code out} starting at {@code outIndex} (in shorts).
     */
    void forward(short[] samples, RuntimeTensor out, int outIndex) {
        for (int i = 0; i < ncfft; i++) {
            inRe[i] = samples[2 * i];
            inIm[i] = samples[2 * i + 1];
        }
        work(0, 0, 1, 0);
        short dcRe = divScalar(outRe[0], 2);
        short dcIm = divScalar(outIm[0], 2);
        out.setInt16(outIndex, (short) (dcRe + dcIm));
        out.setInt16(outIndex + 1, (short) 0);
        out.setInt16(outIndex + 2 * ncfft, (short) (dcRe - dcIm));
        out.setInt16(outIndex + 2 * ncfft + 1, (short) 0);
        for (int k = 1; k <= ncfft / 2; k++) {
            short fpkRe = divScalar(outRe[k], 2);
            short fpkIm = divScalar(outIm[k], 2);
            short fpnkRe = divScalar(outRe[ncfft - k], 2);
            short fpnkIm = divScalar((short) -outIm[ncfft - k], 2);
            short f1kRe = (short) (fpkRe + fpnkRe);
            short f1kIm = (short) (fpkIm + fpnkIm);
            short f2kRe = (short) (fpkRe - fpnkRe);
            short f2kIm = (short) (fpkIm - fpnkIm);
            short twr = sround(f2kRe * superRe[k - 1] - f2kIm * superIm[k - 1]);
            short twi = sround(f2kRe * superIm[k - 1] + f2kIm * superRe[k - 1]);
            out.setInt16(outIndex + 2 * k, (short) ((f1kRe + twr) >> 1));
            out.setInt16(outIndex + 2 * k + 1, (short) ((f1kIm + twi) >> 1));
            out.setInt16(outIndex + 2 * (ncfft - k), (short) ((f1kRe - twr) >> 1));
            out.setInt16(outIndex + 2 * (ncfft - k) + 1, (short) ((twi - f1kIm) >> 1));
        }
    }

    /** KISS FFT's recursive decimation in time: out[outAt..] = FFT of in[inAt], in[inAt + stride], ... */
    private void work(int outAt, int inAt, int stride, int factorIndex) {
        int p = factors[factorIndex];
        int m = factors[factorIndex + 1];
        int end = outAt + p * m;
        if (m == 1) {
            for (int o = outAt, i = inAt; o < end; o++, i += stride) {
                outRe[o] = inRe[i];
                outIm[o] = inIm[i];
            }
        } else {
            for (int o = outAt, i = inAt; o < end; o += m, i += stride) {
                work(o, i, stride * p, factorIndex + 2);
            }
        }
        if (p == 4) {
            butterfly4(outAt, stride, m);
        } else {
            butterfly2(outAt, stride, m);
        }
    }

    private void butterfly2(int at, int stride, int m) {
        for (int k = 0, tw = 0; k < m; k++, tw += stride) {
            int a = at + k;
            int b = a + m;
            outRe[a] = divScalar(outRe[a], 2);
            outIm[a] = divScalar(outIm[a], 2);
            outRe[b] = divScalar(outRe[b], 2);
            outIm[b] = divScalar(outIm[b], 2);
            short tr = sround(outRe[b] * twRe[tw] - outIm[b] * twIm[tw]);
            short ti = sround(outRe[b] * twIm[tw] + outIm[b] * twRe[tw]);
            outRe[b] = (short) (outRe[a] - tr);
            outIm[b] = (short) (outIm[a] - ti);
            outRe[a] = (short) (outRe[a] + tr);
            outIm[a] = (short) (outIm[a] + ti);
        }
    }

    private void butterfly4(int at, int stride, int m) {
        for (int k = 0; k < m; k++) {
            int f0 = at + k;
            int f1 = f0 + m;
            int f2 = f0 + 2 * m;
            int f3 = f0 + 3 * m;
            outRe[f0] = divScalar(outRe[f0], 4);
            outIm[f0] = divScalar(outIm[f0], 4);
            outRe[f1] = divScalar(outRe[f1], 4);
            outIm[f1] = divScalar(outIm[f1], 4);
            outRe[f2] = divScalar(outRe[f2], 4);
            outIm[f2] = divScalar(outIm[f2], 4);
            outRe[f3] = divScalar(outRe[f3], 4);
            outIm[f3] = divScalar(outIm[f3], 4);
            int t1 = k * stride;
            int t2 = 2 * k * stride;
            int t3 = 3 * k * stride;
            short s0r = sround(outRe[f1] * twRe[t1] - outIm[f1] * twIm[t1]);
            short s0i = sround(outRe[f1] * twIm[t1] + outIm[f1] * twRe[t1]);
            short s1r = sround(outRe[f2] * twRe[t2] - outIm[f2] * twIm[t2]);
            short s1i = sround(outRe[f2] * twIm[t2] + outIm[f2] * twRe[t2]);
            short s2r = sround(outRe[f3] * twRe[t3] - outIm[f3] * twIm[t3]);
            short s2i = sround(outRe[f3] * twIm[t3] + outIm[f3] * twRe[t3]);
            short s5r = (short) (outRe[f0] - s1r);
            short s5i = (short) (outIm[f0] - s1i);
            outRe[f0] = (short) (outRe[f0] + s1r);
            outIm[f0] = (short) (outIm[f0] + s1i);
            short s3r = (short) (s0r + s2r);
            short s3i = (short) (s0i + s2i);
            short s4r = (short) (s0r - s2r);
            short s4i = (short) (s0i - s2i);
            outRe[f2] = (short) (outRe[f0] - s3r);
            outIm[f2] = (short) (outIm[f0] - s3i);
            outRe[f0] = (short) (outRe[f0] + s3r);
            outIm[f0] = (short) (outIm[f0] + s3i);
            outRe[f1] = (short) (s5r + s4i);
            outIm[f1] = (short) (s5i - s4r);
            outRe[f3] = (short) (s5r - s4i);
            outIm[f3] = (short) (s5i + s4r);
        }
    }

    private static short sround(int x) {
        return (short) ((x + (1 << 14)) >> 15);
    }

    private static short divScalar(short x, int k) {
        return sround(x * (32767 / k));
    }
}
