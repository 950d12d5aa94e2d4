package dev.berth.model.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model server's Prometheus metrics, in a registry of its own (two servers in one JVM keep separate counts).
 * Classic histograms only and no exemplars: each observation is a few atomic adds on the request path.
 *
 * <ul>
 *   <li>{@code berth_http_requests_total{endpoint,code}}: every HTTP request by endpoint and status code;
 *   <li>{@code berth_inference_requests_total{model,version,code}}: inference requests per model, errors by code;
 *   <li>{@code berth_inference_request_duration_seconds{model,version}}: from the request's arrival to its answer;
 *   <li>{@code berth_inference_queue_duration_seconds{model,version}}: time spent waiting for a batch (or for the model);
 *   <li>{@code berth_inference_compute_duration_seconds{model,version}}: ONNX Runtime's run, per batch;
 *   <li>{@code berth_inference_batch_size{model,version}}: rows per run of the model;
 *   <li>{@code berth_inference_in_flight}: inference requests being handled now.
 * </ul>
 */
public final class ServerMetrics {
    /** Latency buckets from 50 µs to 10 s: a small model answers in well under a millisecond. */
    private static final double[] LATENCY_BOUNDS = {
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final double[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter httpRequests;
    private final Counter inferenceRequests;
    private final Histogram requestDuration;
    private final Histogram queueDuration;
    private final Histogram computeDuration;
    private final Histogram batchSize;
    private final Gauge inFlight;
    private final ConcurrentHashMap<String, CounterDataPoint> httpPoints = new ConcurrentHashMap<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public ServerMetrics() {
        httpRequests = Counter.builder().name("berth_http_requests_total").help("HTTP requests by endpoint and status code")
                .labelNames("endpoint", "code").withoutExemplars().register(registry);
        inferenceRequests = Counter.builder().name("berth_inference_requests_total")
                .help("Inference requests per model by status code").labelNames("model", "version", "code")
                .withoutExemplars().register(registry);
        requestDuration = latency("berth_inference_request_duration_seconds", "Inference request latency inside the server");
        queueDuration = latency("berth_inference_queue_duration_seconds", "Time a request waited for its batch to run");
        computeDuration = latency("berth_inference_compute_duration_seconds", "Time ONNX Runtime took per run (one batch)");
        batchSize = Histogram.builder().name("berth_inference_batch_size").help("Rows per run of the model")
                .classicOnly().classicUpperBounds(BATCH_BOUNDS).labelNames("model", "version").withoutExemplars().register(registry);
        inFlight = Gauge.builder().name("berth_inference_in_flight").help("Inference requests being handled")
                .withoutExemplars().register(registry);
    }

    private Histogram latency(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BOUNDS)
                .labelNames("model", "version").withoutExemplars().register(registry);
    }

    /** The metrics of one model, with the label lookups done once. */
    public ModelMetrics forModel(String model, String version) {
        return new ModelMetrics(model, version);
    }

    /** Counts an HTTP request by its endpoint (a fixed name such as "infer" or "health_ready") and status. */
    public void http(String endpoint, int status) {
        String key = endpoint + ' ' + status;
        CounterDataPoint p = httpPoints.get(key);
        if (p == null) {
            p = httpPoints.computeIfAbsent(key, k -> httpRequests.labelValues(endpoint, Integer.toString(status)));
        }
        p.inc();
    }

    public void inFlight(int delta) {
        inFlight.inc(delta);
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.DEFAULT);
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** One model's data points. */
    public final class ModelMetrics {
        private final String model;
        private final String version;
        private final CounterDataPoint ok;
        private final ConcurrentHashMap<Integer, CounterDataPoint> byStatus = new ConcurrentHashMap<>();
        private final DistributionDataPoint request;
        private final DistributionDataPoint queue;
        private final DistributionDataPoint compute;
        private final DistributionDataPoint batch;

        private ModelMetrics(String model, String version) {
            this.model = model;
            this.version = version;
            this.ok = inferenceRequests.labelValues(model, version, "200");
            this.request = requestDuration.labelValues(model, version);
            this.queue = queueDuration.labelValues(model, version);
            this.compute = computeDuration.labelValues(model, version);
            this.batch = batchSize.labelValues(model, version);
        }

        /** An inference request answered with {@code status} after {@code nanos}. */
        public void request(int status, long nanos) {
            if (status == 200) {
                ok.inc();
            } else {
                byStatus.computeIfAbsent(status, s -> inferenceRequests.labelValues(model, version, Integer.toString(s))).inc();
            }
            request.observe(nanos / 1e9);
        }

        public void queued(long nanos) {
            queue.observe(nanos / 1e9);
        }

        /** One run of the model on {@code rows} rows (the batch) that took {@code nanos}. */
        public void computed(long nanos, int rows) {
            compute.observe(nanos / 1e9);
            batch.observe(rows);
        }
    }
}
