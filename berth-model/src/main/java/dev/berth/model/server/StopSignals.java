package dev.berth.model.server;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a latch, instead of the JVM's default of running shutdown hooks. ONNX Runtime's Java binding
 * closes its native environment in a shutdown hook of its own, and shutdown hooks run concurrently: a model still
 * answering a request in flight would run on freed native memory and crash the process. So the server stops on its
 * own thread first (finishing requests, closing the models) and only then lets the JVM exit.
 */
public final class StopSignals {
    private StopSignals() {
    }

    /** A latch that opens on the first SIGTERM or SIGINT. Call early, before the slow part of start-up. */
    public static CountDownLatch install() {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        return stop;
    }
}
