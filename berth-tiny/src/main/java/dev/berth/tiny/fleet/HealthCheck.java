package dev.berth.tiny.fleet;

import dev.berth.tiny.TinyException;
import dev.berth.tiny.container.TinyContainer;
import dev.berth.tiny.pipeline.Capabilities;
import dev.berth.tiny.pipeline.Stage;
import dev.berth.tiny.pipeline.Tensor;
import dev.berth.tiny.runtime.PipelineRunner;
import dev.berth.tiny.runtime.SensorFiles;

import java.util.HashMap;
import java.util.Map;

/**
 * A device's health check after an install: the pipeline runs on the fleet's sample inputs without error and within
 * the instruction budget. Samples are keyed by capability stage name or kind; those the container does not declare
 * are ignored, and a declared sensor without a sample (other than RAND) fails the check.
 *
 * @param samples capability key to the sample file's name and bytes
 */
public record HealthCheck(Map<String, Sample> samples, long instructionBudget) {
    /** One sample input. */
    public record Sample(String fileName, byte[] bytes) {
    }

    public HealthCheck {
        samples = Map.copyOf(samples);
    }

    /** Throws a TinyException saying what failed. */
    public void run(TinyContainer container) {
        PipelineRunner runner = new PipelineRunner(container.pipeline(), instructionBudget);
        Map<String, Tensor> readings = new HashMap<>();
        for (Stage.Capability c : container.pipeline().pipeline().capabilities()) {
            Sample sample = samples.get(c.name());
            if (sample == null) {
                sample = samples.get(Capabilities.normalize(c.kind()));
            }
            if (sample == null) {
                if (!Capabilities.normalize(c.kind()).equals("RAND")) {
                    throw new TinyException("no sample input for capability '" + c.name() + "' (" + Capabilities.normalize(c.kind())
                            + ") in the fleet's health check");
                }
                continue;
            }
            readings.put(c.name(), SensorFiles.read(c, sample.fileName(), sample.bytes()));
        }
        runner.run(readings);
    }
}
