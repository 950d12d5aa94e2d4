package dev.berth.tiny.kernels;

import dev.berth.tiny.flatbuffer.FlexMap;
import dev.berth.tiny.tflite.TensorType;

import java.util.Map;

/**
 * The custom operators of TFLM's signal library (the audio front end of micro_speech's preprocessor model),
 * computing what the library computes bit for bit. Their options come as a FlexBuffer map.
 */
final class SignalKernels {
    private SignalKernels() {
    }

    static Map<String, Object> options(OpContext context) {
        byte[] bytes = context.op().customOptions();
        if (bytes == null) {
            return Map.of();
        }
        return FlexMap.parse(bytes);
    }

    static int intOption(OpContext context, Map<String, Object> options, String key) {
        Object value = options.get(key);
        if (value instanceof Long l) {
            return Math.toIntExact(l);
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw context.error("option \"" + key + "\" is missing or not an integer");
    }

    static int msb32(int x) {
        return x == 0 ? 32 : 32 - Integer.numberOfLeadingZeros(x);
    }

    /** SignalWindow: out = clamp16((in * window) >> shift), frame by frame. */
    static final class Window implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final short[] window;
        private final int shift;

        Window(OpContext context) {
            context.requireCounts(2, 2, 1);
            in = context.requiredInput(0);
            RuntimeTensor weights = context.requiredInput(1);
            out = context.output(0);
            context.requireType(in, TensorType.INT16);
            context.requireType(weights, TensorType.INT16);
            context.requireType(out, TensorType.INT16);
            context.requireConstant(weights, "window");
            context.requireSameShape(in, out);
            if (in.dim(-1) != weights.elementCount()) {
                throw context.error(weights.describe() + " does not match frames of " + in.dim(-1));
            }
            window = new short[weights.elementCount()];
            for (int i = 0; i < window.length; i++) {
                window[i] = weights.getInt16(i);
            }
            shift = intOption(context, options(context), "shift");
        }

        @Override
        public void invoke() {
            int n = window.length;
            for (int i = 0, count = in.elementCount(); i < count; i++) {
                int raw = (in.getInt16(i) * window[i % n]) >> shift;
                out.setInt16(i, (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, raw)));
            }
        }
    }

    /** SignalFftAutoScale: shifts the frame left so its largest magnitude fills 16 bits; outputs the shift. */
    static final class FftAutoScale implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final RuntimeTensor scale;

        FftAutoScale(OpContext context) {
            context.requireCounts(1, 1, 2);
            in = context.requiredInput(0);
            out = context.output(0);
            scale = context.output(1);
            context.requireType(in, TensorType.INT16);
            context.requireType(out, TensorType.INT16);
            context.requireType(scale, TensorType.INT32);
            context.requireSameShape(in, out);
        }

        @Override
        public void invoke() {
            int count = in.elementCount();
            short max = 0;
            for (int i = 0; i < count; i++) {
                short value = in.getInt16(i);
                if (value > max) {
                    max = value;
                } else if (-value > max) {
                    max = (short) -value;
                }
            }
            int scaleBits = Math.max(0, 16 - msb32(max) - 1);
            for (int i = 0; i < count; i++) {
                out.setInt16(i, (short) (in.getInt16(i) * (1 << scaleBits)));
            }
            scale.setInt32(0, scaleBits);
        }
    }

    /** SignalRfft (int16): zero-pads each frame to fft_length and transforms it with {@link KissFft16}. */
    static final class Rfft implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final KissFft16 fft;
        private final short[] frame;
        private final int inputLength;
        private final int outputLength;

        Rfft(OpContext context) {
            context.requireCounts(1, 1, 1);
            in = context.requiredInput(0);
            out = context.output(0);
            Map<String, Object> options = options(context);
            if (intOption(context, options, "T") != TensorType.INT16.code()) {
                throw context.unsupported("only the int16 fixed-point RFFT is implemented");
            }
            context.requireType(in, TensorType.INT16);
            context.requireType(out, TensorType.INT16);
            int fftLength = intOption(context, options, "fft_length");
            inputLength = in.dim(-1);
            outputLength = (fftLength / 2 + 1) * 2;
            if (fftLength < inputLength || out.dim(-1) != outputLength
                    || out.elementCount() / outputLength != in.elementCount() / inputLength) {
                throw context.error(out.describe() + " does not hold the " + (fftLength / 2 + 1)
                        + " complex bins of each frame of " + in.describe());
            }
            try {
                fft = new KissFft16(fftLength);
            } catch (IllegalArgumentException e) {
                throw context.unsupported(e.getMessage());
            }
            frame = new short[fftLength];
        }

        @Override
        public void invoke() {
            int frames = in.elementCount() / inputLength;
            for (int f = 0; f < frames; f++) {
                for (int i = 0; i < inputLength; i++) {
                    frame[i] = in.getInt16(f * inputLength + i);
                }
                java.util.Arrays.fill(frame, inputLength, frame.length, (short) 0);
                fft.forward(frame, out, f * outputLength);
            }
        }
    }

    /** SignalEnergy: re^2 + im^2 of the bins in [start_index, end_index); other bins are left as they are. */
    static final class Energy implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final int start;
        private final int end;

        Energy(OpContext context) {
            context.requireCounts(1, 1, 1);
            in = context.requiredInput(0);
            out = context.output(0);
            context.requireType(in, TensorType.INT16);
            context.requireType(out, TensorType.UINT32);
            Map<String, Object> options = options(context);
            start = intOption(context, options, "start_index");
            end = intOption(context, options, "end_index");
            if (start < 0 || end > out.elementCount() || end > in.elementCount() / 2 || start > end) {
                throw context.error("energy range " + start + ".." + end + " does not fit " + out.describe());
            }
        }

        @Override
        public void invoke() {
            for (int i = start; i < end; i++) {
                int re = in.getInt16(2 * i);
                int im = in.getInt16(2 * i + 1);
                out.setInt32(i, re * re + im * im);
            }
        }
    }

    /** SignalFilterBank: triangular mel channels accumulated in 64 bits with weights and unweights. */
    static final class FilterBank implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final short[] weights;
        private final short[] unweights;
        private final short[] frequencyStarts;
        private final short[] weightStarts;
        private final short[] widths;
        private final int channels;
        private final long[] work;

        FilterBank(OpContext context) {
            context.requireCounts(6, 6, 1);
            in = context.requiredInput(0);
            out = context.output(0);
            context.requireType(in, TensorType.UINT32);
            context.requireType(out, TensorType.UINT64);
            channels = intOption(context, options(context), "num_channels");
            weights = constant16(context, 1, "weights");
            unweights = constant16(context, 2, "unweights");
            frequencyStarts = constant16(context, 3, "channel frequency starts");
            weightStarts = constant16(context, 4, "channel weight starts");
            widths = constant16(context, 5, "channel widths");
            if (frequencyStarts.length < channels + 1 || weightStarts.length < channels + 1
                    || widths.length < channels + 1 || out.elementCount() != channels) {
                throw context.error("the filter bank tables do not describe " + channels + " channels");
            }
            for (int i = 0; i <= channels; i++) {
                if (frequencyStarts[i] < 0 || frequencyStarts[i] + widths[i] > in.elementCount()
                        || weightStarts[i] < 0 || weightStarts[i] + widths[i] > weights.length
                        || weightStarts[i] + widths[i] > unweights.length) {
                    throw context.error("filter bank channel " + i + " reaches outside its tables");
                }
            }
            work = new long[channels + 1];
        }

        @Override
        public void invoke() {
            long weighted = 0;
            long unweighted = 0;
            for (int i = 0; i <= channels; i++) {
                int frequencyStart = frequencyStarts[i];
                int weightStart = weightStarts[i];
                for (int j = 0; j < widths[i]; j++) {
                    long energy = Integer.toUnsignedLong(in.getInt32(frequencyStart + j));
                    weighted += weights[weightStart + j] * energy;
                    unweighted += unweights[weightStart + j] * energy;
                }
                work[i] = weighted;
                weighted = unweighted;
                unweighted = 0;
            }
            for (int i = 0; i < channels; i++) {
                RuntimeTensor.LONG.set(out.data, out.offset + 8 * i, work[i + 1]);
            }
        }
    }

    static short[] constant16(OpContext context, int input, String role) {
        RuntimeTensor t = context.requiredInput(input);
        context.requireType(t, TensorType.INT16);
        context.requireConstant(t, role);
        short[] values = new short[t.elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.getInt16(i);
        }
        return values;
    }

    /** SignalFilterBankSquareRoot: integer square root of each channel, shifted down by the FFT's scale bits. */
    static final class FilterBankSquareRoot implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor scaleBits;
        private final RuntimeTensor out;

        FilterBankSquareRoot(OpContext context) {
            context.requireCounts(2, 2, 1);
            in = context.requiredInput(0);
            scaleBits = context.requiredInput(1);
            out = context.output(0);
            context.requireType(in, TensorType.UINT64);
            context.requireType(scaleBits, TensorType.INT32);
            context.requireType(out, TensorType.UINT32);
            context.requireSameShape(in, out);
        }

        @Override
        public void invoke() {
            int shift = scaleBits.getInt32(0);
            for (int i = 0, n = out.elementCount(); i < n; i++) {
                out.setInt32(i, (int) (sqrt64(in.getInt64(i)) >>> shift));
            }
        }
    }

    /** Bitwise square root of an unsigned 64-bit value, rounded, as TFLM's Sqrt64. */
    static long sqrt64(long num) {
        if ((num >>> 32) == 0) {
            return sqrt32(num);
        }
        long res = 0;
        int maxBitNumber = Long.numberOfLeadingZeros(num) | 1; // 64 - MostSignificantBit64
        long bit = 1L << (63 - maxBitNumber);
        int iterations = (63 - maxBitNumber) / 2 + 1;
        while (iterations-- > 0) {
            if (Long.compareUnsigned(num, res + bit) >= 0) {
                num -= res + bit;
                res = (res >>> 1) + bit;
            } else {
                res >>>= 1;
            }
            bit >>>= 2;
        }
        if (Long.compareUnsigned(num, res) > 0 && res != 0xFFFFFFFFL) {
            ++res;
        }
        return res & 0xFFFFFFFFL;
    }

    /** TFLM's Sqrt32 for an unsigned 32-bit value (given in a long); the result is 16 bits. */
    static long sqrt32(long num) {
        if (num == 0) {
            return 0;
        }
        long res = 0;
        int maxBitNumber = (32 - msb32((int) num)) | 1;
        long bit = 1L << (31 - maxBitNumber);
        int iterations = (31 - maxBitNumber) / 2 + 1;
        while (iterations-- > 0) {
            if (num >= res + bit) {
                num -= res + bit;
                res = (res >>> 1) + bit;
            } else {
                res >>>= 1;
            }
            bit >>>= 2;
        }
        if (num > res && res != 0xFFFF) {
            ++res;
        }
        return res & 0xFFFF;
    }

    /**
     * SignalFilterBankSpectralSubtraction: a per-channel low-pass noise estimate (kept between invocations, as
     * on a device) is subtracted from the signal, keeping at least min_signal_remaining of it. Outputs the
     * cleaned signal and the estimate.
     */
    static final class SpectralSubtraction implements Kernel {
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final RuntimeTensor estimateOut;
        private final int[] estimate;
        private final boolean clamping;
        private final int smoothingBits;
        private final int subtractionBits;
        private final long smoothing;
        private final long oneMinusSmoothing;
        private final long alternateSmoothing;
        private final long alternateOneMinusSmoothing;
        private final long minSignalRemaining;

        SpectralSubtraction(OpContext context) {
            context.requireCounts(1, 1, 2);
            in = context.requiredInput(0);
            out = context.output(0);
            estimateOut = context.output(1);
            context.requireType(in, TensorType.UINT32);
            context.requireType(out, TensorType.UINT32);
            context.requireType(estimateOut, TensorType.UINT32);
            Map<String, Object> o = options(context);
            int channels = intOption(context, o, "num_channels");
            if (in.elementCount() != channels || out.elementCount() != channels
                    || estimateOut.elementCount() != channels) {
                throw context.error("num_channels is " + channels + " but " + in.describe() + " differs");
            }
            clamping = intOption(context, o, "clamping") != 0;
            smoothingBits = intOption(context, o, "smoothing_bits");
            subtractionBits = intOption(context, o, "spectral_subtraction_bits");
            smoothing = intOption(context, o, "smoothing");
            oneMinusSmoothing = intOption(context, o, "one_minus_smoothing");
            alternateSmoothing = intOption(context, o, "alternate_smoothing");
            alternateOneMinusSmoothing = intOption(context, o, "alternate_one_minus_smoothing");
            minSignalRemaining = intOption(context, o, "min_signal_remaining");
            estimate = new int[channels];
        }

        @Override
        public void invoke() {
            for (int i = 0; i < estimate.length; i++) {
                long s = (i & 1) == 0 ? smoothing : alternateSmoothing;
                long oneMinus = (i & 1) == 0 ? oneMinusSmoothing : alternateOneMinusSmoothing;
                long input = Integer.toUnsignedLong(in.getInt32(i));
                long scaledUp = (input << smoothingBits) & 0xFFFFFFFFL;
                estimate[i] = (int) ((scaledUp * s + Integer.toUnsignedLong(estimate[i]) * oneMinus) >>> subtractionBits);
                long estimateScaledUp = Integer.toUnsignedLong(estimate[i]);
                if (estimateScaledUp > scaledUp) {
                    estimateScaledUp = scaledUp;
                    if (clamping) {
                        estimate[i] = (int) estimateScaledUp;
                    }
                }
                long floor = ((input * minSignalRemaining) >>> subtractionBits) & 0xFFFFFFFFL;
                long subtracted = ((scaledUp - estimateScaledUp) & 0xFFFFFFFFL) >>> smoothingBits;
                out.setInt32(i, (int) Math.max(subtracted, floor));
                estimateOut.setInt32(i, estimate[i]);
            }
        }

        @Override
        public void reset() {
            java.util.Arrays.fill(estimate, 0);
        }
    }

    /** SignalPCAN: per-channel automatic gain control from the noise estimate, then the PCAN "shrink". */
    static final class Pcan implements Kernel {
        private static final int SNR_BITS = 12;
        private static final int OUTPUT_BITS = 6;
        private final RuntimeTensor in;
        private final RuntimeTensor noise;
        private final RuntimeTensor out;
        private final short[] lut;
        private final int snrShift;

        Pcan(OpContext context) {
            context.requireCounts(3, 3, 1);
            in = context.requiredInput(0);
            noise = context.requiredInput(1);
            out = context.output(0);
            context.requireType(in, TensorType.UINT32);
            context.requireType(noise, TensorType.UINT32);
            context.requireType(out, TensorType.UINT32);
            if (in.elementCount() != noise.elementCount() || in.elementCount() != out.elementCount()) {
                throw context.error("input, noise estimate and output must have the same size");
            }
            lut = constant16(context, 2, "gain table");
            if (lut.length < 4 * 32 - 6 + 3) {
                throw context.error("the gain table has " + lut.length + " entries, fewer than 125");
            }
            snrShift = intOption(context, options(context), "snr_shift");
        }

        @Override
        public void invoke() {
            for (int i = 0, n = out.elementCount(); i < n; i++) {
                long gain = Integer.toUnsignedLong(wideDynamicFunction(noise.getInt32(i)));
                long snr = ((Integer.toUnsignedLong(in.getInt32(i)) * gain) >>> snrShift) & 0xFFFFFFFFL;
                out.setInt32(i, (int) shrink(snr));
            }
        }

        private int wideDynamicFunction(int x) {
            if (Integer.compareUnsigned(x, 2) <= 0) {
                return lut[x];
            }
            int interval = msb32(x);
            int base = 4 * interval - 6;
            int frac = (interval < 11 ? x << (11 - interval) : x >>> (interval - 11)) & 0x3FF;
            int result = (lut[base + 2] * frac) >> 5;
            result += lut[base + 1] << 5;
            result *= frac;
            result = (result + (1 << 14)) >> 15;
            result += lut[base];
            return (short) result;
        }

        private static long shrink(long x) {
            if (x < (2L << SNR_BITS)) {
                return ((x * x) & 0xFFFFFFFFL) >>> (2 + 2 * SNR_BITS - OUTPUT_BITS);
            }
            return ((x >>> (SNR_BITS - OUTPUT_BITS)) - (1L << OUTPUT_BITS)) & 0xFFFFFFFFL;
        }
    }

    /** SignalFilterBankLog: fixed-point natural log of each channel, times output_scale, saturated to int16. */
    static final class FilterBankLog implements Kernel {
        private static final int[] LOG_LUT = logTable();
        private final RuntimeTensor in;
        private final RuntimeTensor out;
        private final int correctionBits;
        private final long outputScale;

        FilterBankLog(OpContext context) {
            context.requireCounts(1, 1, 1);
            in = context.requiredInput(0);
            out = context.output(0);
            context.requireType(in, TensorType.UINT32);
            context.requireType(out, TensorType.INT16);
            if (in.elementCount() != out.elementCount()) {
                throw context.error("input and output must have the same size");
            }
            Map<String, Object> o = options(context);
            correctionBits = intOption(context, o, "input_correction_bits");
            outputScale = intOption(context, o, "output_scale");
        }

        /**
         * The correction of log2(1 + x) over x at 129 points in 16-bit fixed point (plus one padding entry),
         * rounded: the table TFLM's Log32 interpolates.
         */
        private static int[] logTable() {
            int[] table = new int[130];
            for (int i = 0; i <= 128; i++) {
                double x = i / 128.0;
                table[i] = (int) Math.round(65536 * (Math.log1p(x) / Math.log(2) - x));
            }
            return table;
        }

        @Override
        public void invoke() {
            for (int i = 0, n = out.elementCount(); i < n; i++) {
                long scaled = (Integer.toUnsignedLong(in.getInt32(i)) << correctionBits) & 0xFFFFFFFFL;
                short value = 0;
                if (scaled > 1) {
                    long log = log32(scaled, outputScale);
                    value = (short) Math.min(log, Short.MAX_VALUE);
                }
                out.setInt16(i, value);
            }
        }

        static long log32(long x, long outScale) {
            int integer = msb32((int) x) - 1;
            long fraction = log2Fraction(x, integer);
            long log2 = (((long) integer << 16) + fraction) & 0xFFFFFFFFL;
            long round = 32768;
            long loge = ((45426L * log2 + round) >>> 16) & 0xFFFFFFFFL;
            return (((outScale * loge) & 0xFFFFFFFFL) + round & 0xFFFFFFFFL) >>> 16;
        }

        private static long log2Fraction(long x, int log2x) {
            int frac = (int) (x - (1L << log2x));
            if (log2x < 16) {
                frac <<= 16 - log2x;
            } else {
                frac >>= log2x - 16;
            }
            int baseSegment = frac >>> 9;
            int c0 = LOG_LUT[baseSegment];
            int c1 = LOG_LUT[baseSegment + 1];
            int segmentBase = 512 * baseSegment;
            int relative = ((c1 - c0) * (frac - segmentBase)) >> 16;
            return Integer.toUnsignedLong(frac + c0 + relative);
        }
    }
}
