package dev.berth.tiny.runtime;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.audio.Wav;
import dev.berth.tiny.pipeline.Capabilities;
import dev.berth.tiny.pipeline.ElementType;
import dev.berth.tiny.pipeline.PortType;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a file into what a capability would read from its sensor on the device: WAV audio for SOUND, CSV rows of
 * x,y,z for ACCEL, PNG or BMP for IMAGE (scaled to the declared size; one channel means grayscale), and raw
 * little-endian bytes of the declared type for anything (RAW, RAND, or a file ending in {@code .raw}/{@code .bin}).
 */
public final class SensorFiles {
    private SensorFiles() {
    }

    public static Tensor read(Stage.Capability stage, String fileName, byte[] bytes) {
        String kind = Capabilities.normalize(stage.kind());
        PortType type = stage.outputs().getFirst();
        String where = "input for capability '" + stage.name() + "' (" + kind + ") from " + fileName;
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        try {
            if (lower.endsWith(".raw") || lower.endsWith(".bin") || kind.equals("RAW") || kind.equals("RAND")) {
                return raw(type, bytes, where);
            }
            return switch (kind) {
                case "SOUND" -> sound(stage, type, bytes, where);
                case "ACCEL" -> csv(type, bytes, where);
                case "IMAGE", "FLOAT_IMAGE" -> image(type, bytes, where, kind.equals("FLOAT_IMAGE"));
                default -> raw(type, bytes, where);
            };
        } catch (TinyException e) {
            throw e.getMessage().startsWith("input for") ? e : new TinyException(where + ": " + e.getMessage());
        }
    }

    private static Tensor raw(PortType type, byte[] bytes, String where) {
        if (!type.type().isNumeric()) {
            throw new TinyException(where + ": a " + type + " capability cannot be fed raw bytes");
        }
        long wanted = (long) type.elementCount() * type.type().bytes();
        if (bytes.length != wanted) {
            throw new TinyException(where + ": " + type + " needs exactly " + wanted + " bytes, the file has " + bytes.length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[type.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (type.type()) {
                case U8 -> b.get() & 0xff;
                case I8 -> b.get();
                case U16 -> b.getShort() & 0xffff;
                case I16 -> b.getShort();
                case U32 -> b.getInt() & 0xffffffffL;
                case I32 -> b.getInt();
                case U64, I64 -> b.getLong();
                case F32 -> b.getFloat();
                case F64 -> b.getDouble();
                default -> throw new IllegalStateException();
            };
        }
        return Tensor.numeric(type, v);
    }

    private static Tensor sound(Stage.Capability stage, PortType type, byte[] bytes, String where) {
        Wav wav = Wav.parse(bytes);
        String hz = stage.args().get("hz");
        if (hz != null && Math.abs(Double.parseDouble(hz) - wav.sampleRate()) > 0.5) {
            throw new TinyException(where + ": the capability samples at " + hz + " Hz, the file at " + wav.sampleRate() + " Hz");
        }
        double[] v = new double[type.elementCount()];
        int frames = wav.samples().length / wav.channels();
        // a short clip is padded with silence, a long one cut: the sensor delivers a fixed window
        for (int i = 0; i < Math.min(v.length, frames); i++) {
            double s = wav.samples()[i * wav.channels()];
            v[i] = type.type() == ElementType.F32 ? s / 32768.0 : s;
        }
        return Tensor.numeric(type, v);
    }

    private static Tensor csv(PortType type, byte[] bytes, String where) {
        List<double[]> rows = new ArrayList<>();
        int line = 0;
        for (String text : new String(bytes, StandardCharsets.UTF_8).split("\\R")) {
            line++;
            if (text.isBlank() || text.trim().startsWith("#")) {
                continue;
            }
            String[] cells = text.split(",");
            double[] row = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                try {
                    row[i] = Double.parseDouble(cells[i].trim());
                } catch (NumberFormatException e) {
                    if (rows.isEmpty() && line == 1) {
                        row = null; // a header line
                        break;
                    }
                    throw new TinyException(where + ": line " + line + " cell " + (i + 1) + " '" + cells[i].trim() + "' is not a number");
                }
            }
            if (row != null) {
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            throw new TinyException(where + ": the file has no rows of numbers");
        }
        int width = rows.getFirst().length;
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length != width) {
                throw new TinyException(where + ": row " + (r + 1) + " has " + rows.get(r).length + " values, the first row " + width);
            }
        }
        if (type.elementCount() % width != 0) {
            throw new TinyException(where + ": rows of " + width + " values do not fill " + type);
        }
        int needed = type.elementCount() / width;
        if (rows.size() < needed) {
            throw new TinyException(where + ": " + type + " needs " + needed + " rows of " + width + ", the file has " + rows.size());
        }
        double[] v = new double[type.elementCount()];
        for (int r = 0; r < needed; r++) {
            System.arraycopy(rows.get(r), 0, v, r * width, width);
        }
        return Tensor.numeric(type, Tensor.fit(type.type(), v));
    }

    private static Tensor image(PortType type, byte[] bytes, String where, boolean asFloat) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new TinyException(where + ": cannot decode the image: " + e.getMessage());
        }
        if (image == null) {
            throw new TinyException(where + ": not a PNG or BMP image");
        }
        int[] dims = type.shape();
        if (dims.length < 3) {
            throw new TinyException(where + ": an image needs dimensions [height, width, channels] (optionally with a batch of 1 first), not " + type);
        }
        int channels = dims[dims.length - 1];
        int width = dims[dims.length - 2];
        int height = dims[dims.length - 3];
        if (channels != 1 && channels != 3) {
            throw new TinyException(where + ": images have 1 (grayscale) or 3 (RGB) channels, " + type + " has " + channels);
        }
        double[] v = new double[type.elementCount()];
        int i = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // nearest-neighbour scaling to the sensor's resolution
                int rgb = image.getRGB(x * image.getWidth() / width, y * image.getHeight() / height);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (channels == 1) {
                    v[i++] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                } else {
                    v[i++] = r;
                    v[i++] = g;
                    v[i++] = b;
                }
            }
        }
        if (asFloat) {
            for (int k = 0; k < v.length; k++) {
                v[k] /= 255.0;
            }
        } else if (type.type() == ElementType.I8) {
            for (int k = 0; k < v.length; k++) {
                v[k] -= 128;
            }
        }
        return Tensor.numeric(type, v);
    }
}
