package dev.berth.model.server;

import dev.berth.model.ModelException;
import java.time.Duration;

/**
 * How the model server listens and what it allows.
 *
 * @param host the address to listen on ("0.0.0.0" in a container, "127.0.0.1" on a workstation)
 * @param port the TCP port; 0 picks a free one
 * @param maxBodyBytes largest request body accepted; a larger one is answered 413
 * @param maxConcurrency inference requests handled at once; one more is answered 503 with Retry-After
 * @param threads HTTP worker threads; 0 sizes the pool from {@code maxConcurrency}
 * @param intraOpThreads threads ONNX Runtime uses inside one inference (1 suits small models)
 * @param stopTimeout how long a graceful stop waits for requests in flight
 * @param accessLog one log line per request (off by default: it costs throughput)
 */
public record ServerOptions(String host, int port, long maxBodyBytes, int maxConcurrency, int threads, int intraOpThreads,
        Duration stopTimeout, boolean accessLog) {
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENCY = 256;
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new ModelException("the address to listen on is empty");
        }
        if (port < 0 || port > 65535) {
            throw new ModelException("port " + port + " is out of range 0-65535");
        }
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 8) {
            throw new ModelException("max body size must be between 1 byte and 2 GiB, not " + maxBodyBytes);
        }
        if (maxConcurrency < 1) {
            throw new ModelException("max concurrency must be at least 1, not " + maxConcurrency);
        }
        if (threads < 0) {
            throw new ModelException("threads must not be negative (0 chooses), not " + threads);
        }
        if (intraOpThreads < 1) {
            throw new ModelException("intra-op threads must be at least 1, not " + intraOpThreads);
        }
        if (stopTimeout == null || stopTimeout.isNegative()) {
            throw new ModelException("stop timeout must not be negative");
        }
    }

    /** Defaults for a server on {@code host:port}. */
    public static ServerOptions defaults(String host, int port) {
        return new ServerOptions(host, port, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENCY, 0, 1, DEFAULT_STOP_TIMEOUT, false);
    }

    public ServerOptions withMaxBodyBytes(long value) {
        return new ServerOptions(host, port, value, maxConcurrency, threads, intraOpThreads, stopTimeout, accessLog);
    }

    public ServerOptions withMaxConcurrency(int value) {
        return new ServerOptions(host, port, maxBodyBytes, value, threads, intraOpThreads, stopTimeout, accessLog);
    }

    public ServerOptions withThreads(int value) {
        return new ServerOptions(host, port, maxBodyBytes, maxConcurrency, value, intraOpThreads, stopTimeout, accessLog);
    }

    public ServerOptions withIntraOpThreads(int value) {
        return new ServerOptions(host, port, maxBodyBytes, maxConcurrency, threads, value, stopTimeout, accessLog);
    }

    public ServerOptions withStopTimeout(Duration value) {
        return new ServerOptions(host, port, maxBodyBytes, maxConcurrency, threads, intraOpThreads, value, accessLog);
    }

    public ServerOptions withAccessLog(boolean value) {
        return new ServerOptions(host, port, maxBodyBytes, maxConcurrency, threads, intraOpThreads, stopTimeout, value);
    }

    /** The worker pool: every permitted request may block on its batch, plus threads for selecting and accepting. */
    int effectiveThreads() {
        return threads > 0 ? threads : maxConcurrency + 16;
    }
}
