package dev.berth.tiny.testing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;

/** Test images from TFLM's person_detection test data. */
public final class TestImages {
    private TestImages() {
    }

    /**
     * The 96x96 8-bit BMPs of TFLM's person_detection test data hold int8 model input (gray level - 128, two's
     * complement), not gray levels: read as unsigned they show a posterized image. Returns the gray levels 0..255.
     */
    public static int[] personDetectionGray(Path bmp) throws IOException {
        BufferedImage image = ImageIO.read(bmp.toFile());
        Raster raster = image.getRaster();
        int[] gray = new int[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                gray[y * image.getWidth() + x] = ((byte) raster.getSample(x, y, 0)) + 128;
            }
        }
        return gray;
    }
}
