package dev.berth.model.examples;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Makes the example models in {@code examples/models}: logistic-regression classifiers trained with Tribuo on
 * iris-like data that this class generates (three Gaussian blobs in four features, fixed seeds), exported to ONNX.
 * Nothing is downloaded. Version 2 is trained on data whose "virginica" blob sits closer to "versicolor", so the two
 * versions disagree on borderline flowers, which is how tests tell which version answered.
 *
 * <p>examples/models/README.md gives the command that runs this main on the test class path.
 */
public final class IrisModels {
    /** Feature names in the order of the ONNX input's second dimension (Tribuo orders features by name). */
    public static final List<String> FEATURES = List.of("f0_sepal_length", "f1_sepal_width", "f2_petal_length", "f3_petal_width");
    /** The class names; the output's probability columns follow {@link #classOrder(LinearSGDModel)}. */
    public static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");

    /** A flower both versions agree on (setosa) and one they disagree on. */
    public static final float[] CLEAR_SETOSA = {5.0f, 3.4f, 1.5f, 0.2f};
    public static final float[] BORDERLINE = {6.2f, 2.9f, 4.9f, 1.6f};

    private static final double[][] CENTRES_V1 = {{5.0, 3.4, 1.5, 0.25}, {5.9, 2.8, 4.3, 1.3}, {6.6, 3.0, 5.6, 2.0}};
    // v2's virginica moved towards versicolor: the decision boundary moves, borderline flowers change class.
    private static final double[][] CENTRES_V2 = {{5.0, 3.4, 1.5, 0.25}, {5.9, 2.8, 4.3, 1.3}, {6.2, 2.9, 4.8, 1.55}};
    private static final double[] SPREAD = {0.35, 0.3, 0.3, 0.15};

    private IrisModels() {
    }

    public static void main(String[] args) throws IOException {
        java.util.logging.Logger.getLogger("org.tribuo").setLevel(java.util.logging.Level.WARNING);
        Path dir = Path.of(args.length > 0 ? args[0] : "examples/models");
        Files.createDirectories(dir);
        LinearSGDModel v1 = trainVersion(1);
        LinearSGDModel v2 = trainVersion(2);
        write(v1, 1, dir.resolve("iris-v1.onnx"));
        write(v2, 2, dir.resolve("iris-v2.onnx"));
        System.out.println("class order (output columns): " + classOrder(v1) + " / " + classOrder(v2));
        System.out.println("borderline: v1 says " + predict(v1, BORDERLINE) + ", v2 says " + predict(v2, BORDERLINE));
        System.out.println("setosa: v1 says " + predict(v1, CLEAR_SETOSA) + ", v2 says " + predict(v2, CLEAR_SETOSA));
    }

    /** 150 flowers per class, drawn from Gaussian blobs around the given centres with a fixed seed. */
    static MutableDataset<Label> dataset(double[][] centres, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("gaussian blobs seed " + seed, factory), factory);
        SplittableRandom random = new SplittableRandom(seed);
        String[] names = FEATURES.toArray(String[]::new);
        for (int n = 0; n < 150; n++) {
            for (int c = 0; c < CLASSES.size(); c++) {
                double[] values = new double[FEATURES.size()];
                for (int f = 0; f < values.length; f++) {
                    values[f] = centres[c][f] + SPREAD[f] * gaussian(random);
                }
                data.add(new ArrayExample<>(new Label(CLASSES.get(c)), names, values));
            }
        }
        return data;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: the JDK's nextGaussian algorithm may change between releases, this one never does
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    /** Version 1 or 2 of the example model, trained afresh. */
    static LinearSGDModel trainVersion(int version) {
        return version == 1 ? train(CENTRES_V1, 20240601L) : train(CENTRES_V2, 20240602L);
    }

    static LinearSGDModel train(double[][] centres, long seed) {
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), 30, 1, seed);
        return (LinearSGDModel) trainer.train(dataset(centres, seed));
    }

    /** The labels in the order of the ONNX output's columns. */
    public static List<String> classOrder(LinearSGDModel model) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < model.getOutputIDInfo().size(); i++) {
            order.add(model.getOutputIDInfo().getOutput(i).getLabel());
        }
        return order;
    }

    static String predict(LinearSGDModel model, float[] flower) {
        double[] values = new double[flower.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = flower[i];
        }
        Example<Label> example = new ArrayExample<>(new Label("?"), FEATURES.toArray(String[]::new), values);
        Prediction<Label> p = model.predict(example);
        return p.getOutput().getLabel();
    }

    /**
     * Writes the ONNX file without Tribuo's provenance (in the metadata and the doc string: it holds the training
     * time, host and JVM), so the same command makes the same bytes.
     */
    static void write(LinearSGDModel model, long version, Path file) throws IOException {
        OnnxMl.ModelProto proto = model.exportONNXModel("dev.berth.examples", version).toBuilder()
                .clearMetadataProps()
                .setDocString("Iris-like classifier v" + version + " made by dev.berth.model.examples.IrisModels; outputs: "
                        + String.join(", ", classOrder(model)))
                .build();
        Files.write(file, proto.toByteArray());
    }
}
