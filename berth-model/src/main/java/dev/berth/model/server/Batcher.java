package dev.berth.model.server;

import dev.berth.model.ModelException;
import dev.berth.model.metrics.ServerMetrics;
import dev.berth.model.onnx.OnnxModel;
import dev.berth.model.onnx.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching for one model: requests queue until {@code maxRows} rows are waiting or the first of them has
 * waited {@code maxDelayNanos}; then they run as one tensor stacked along the first dimension, and each request gets
 * its own rows of every output back. One worker thread runs the batches, so while a batch runs the next one fills.
 *
 * <p>Only requests whose inputs agree in every dimension but the first go into one batch; a request that does not fit
 * waits for the next. When the model's outputs do not have one row per input row (a model that reduces over the
 * batch), or the batched run fails, each request of the batch is run alone instead, so one bad request cannot fail
 * the others and every answer equals the unbatched one.
 */
final class Batcher implements AutoCloseable {
    private static final Job STOP = new Job(null, 0);
    /** Wakes the worker from its wait for a batch to fill, so a flush takes effect at once. */
    private static final Job WAKE = new Job(null, 0);

    private final OnnxModel model;
    private final ServerMetrics.ModelMetrics metrics;
    private final int maxRows;
    private final long maxDelayNanos;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final Object lock = new Object();
    private boolean closed;
    private volatile boolean flushNow;

    static final class Job {
        final Tensor[] inputs;
        final int rows;
        final long enqueued = System.nanoTime();
        final CompletableFuture<Tensor[]> result = new CompletableFuture<>();

        Job(Tensor[] inputs, int rows) {
            this.inputs = inputs;
            this.rows = rows;
        }
    }

    Batcher(String name, OnnxModel model, ServerMetrics.ModelMetrics metrics, int maxRows, long maxDelayNanos) {
        this.model = model;
        this.metrics = metrics;
        this.maxRows = maxRows;
        this.maxDelayNanos = maxDelayNanos;
        this.worker = Thread.ofPlatform().name("batcher-" + name).daemon().start(this::work);
    }

    /** Queues a request's inputs (in the model's order, already checked); the future completes with all outputs. */
    CompletableFuture<Tensor[]> submit(Tensor[] inputs, int rows) {
        Job job = new Job(inputs, rows);
        synchronized (lock) {
            if (closed) {
                throw new ModelException("the server is stopping");
            }
            queue.add(job);
        }
        return job.result;
    }

    void flushNow() {
        flushNow = true;
        queue.add(WAKE);
    }

    private void work() {
        Job carry = null;
        boolean stopping = false;
        while (true) {
            Job first = carry;
            carry = null;
            if (first == null) {
                if (stopping) {
                    first = queue.poll();
                    if (first == null) {
                        return;
                    }
                } else {
                    first = take();
                }
            }
            if (first == STOP) {
                stopping = true;
                continue;
            }
            if (first == WAKE) {
                continue;
            }
            List<Job> batch = new ArrayList<>();
            batch.add(first);
            int rows = first.rows;
            long deadline = first.enqueued + maxDelayNanos;
            while (rows < maxRows) {
                Job next = queue.poll();
                if (next == null && !stopping && !flushNow) {
                    long wait = deadline - System.nanoTime();
                    if (wait > 0) {
                        next = poll(wait);
                    }
                }
                if (next == null) {
                    break;
                }
                if (next == STOP) {
                    stopping = true;
                    continue;
                }
                if (next == WAKE) {
                    continue;
                }
                if (rows + next.rows > maxRows || !stackable(first, next)) {
                    carry = next;
                    break;
                }
                batch.add(next);
                rows += next.rows;
            }
            run(batch, rows);
        }
    }

    private Job take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // only close() stops the worker, through the STOP job, so every queued request is answered
            }
        }
    }

    private Job poll(long nanos) {
        try {
            return queue.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return null;
        }
    }

    private static boolean stackable(Job a, Job b) {
        for (int i = 0; i < a.inputs.length; i++) {
            long[] x = a.inputs[i].shape();
            long[] y = b.inputs[i].shape();
            if (x.length != y.length) {
                return false;
            }
            for (int d = 1; d < x.length; d++) {
                if (x[d] != y[d]) {
                    return false;
                }
            }
        }
        return true;
    }

    private void run(List<Job> batch, int rows) {
        long start = System.nanoTime();
        for (Job job : batch) {
            metrics.queued(start - job.enqueued);
        }
        if (batch.size() == 1) {
            runAlone(batch.getFirst());
            return;
        }
        Tensor[] merged = new Tensor[batch.getFirst().inputs.length];
        for (int i = 0; i < merged.length; i++) {
            merged[i] = stack(batch, i, rows);
        }
        Tensor[] outputs;
        try {
            outputs = model.run(merged, null);
        } catch (RuntimeException e) {
            batch.forEach(this::runAlone);
            return;
        }
        metrics.computed(System.nanoTime() - start, rows);
        for (Tensor out : outputs) {
            if (out.shape().length == 0 || out.shape()[0] != rows) {
                batch.forEach(this::runAlone);
                return;
            }
        }
        int offset = 0;
        for (Job job : batch) {
            Tensor[] mine = new Tensor[outputs.length];
            for (int o = 0; o < outputs.length; o++) {
                mine[o] = rowsOf(outputs[o], offset, job.rows);
            }
            offset += job.rows;
            job.result.complete(mine);
        }
    }

    private void runAlone(Job job) {
        long start = System.nanoTime();
        try {
            Tensor[] out = model.run(job.inputs, null);
            metrics.computed(System.nanoTime() - start, job.rows);
            job.result.complete(out);
        } catch (RuntimeException e) {
            job.result.completeExceptionally(e);
        }
    }

    private static Tensor stack(List<Job> batch, int input, int rows) {
        Tensor first = batch.getFirst().inputs[input];
        long[] shape = first.shape().clone();
        shape[0] = rows;
        int total = (int) Tensor.elementCount(shape);
        Object data = Tensor.newArray(first.datatype(), total);
        int at = 0;
        for (Job job : batch) {
            Tensor t = job.inputs[input];
            int n = t.elementCount();
            System.arraycopy(t.data(), 0, data, at, n);
            at += n;
        }
        return new Tensor(first.name(), first.datatype(), shape, data);
    }

    private static Tensor rowsOf(Tensor t, int firstRow, int rows) {
        long[] shape = t.shape().clone();
        int perRow = (int) (Tensor.elementCount(shape) / Math.max(1, shape[0]));
        shape[0] = rows;
        int from = firstRow * perRow;
        int to = from + rows * perRow;
        Object data = switch (t.data()) {
            case byte[] a -> Arrays.copyOfRange(a, from, to);
            case short[] a -> Arrays.copyOfRange(a, from, to);
            case int[] a -> Arrays.copyOfRange(a, from, to);
            case long[] a -> Arrays.copyOfRange(a, from, to);
            case float[] a -> Arrays.copyOfRange(a, from, to);
            case double[] a -> Arrays.copyOfRange(a, from, to);
            case String[] a -> Arrays.copyOfRange(a, from, to);
            default -> throw new IllegalStateException(t.data().getClass().getName());
        };
        return new Tensor(t.name(), t.datatype(), shape, data);
    }

    /** Answers everything queued, then stops the worker. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            flushNow = true;
            queue.add(STOP);
        }
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
