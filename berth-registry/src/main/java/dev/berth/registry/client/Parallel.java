package dev.berth.registry.client;

import dev.berth.registry.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs transfers at most n at a time on virtual threads; the first failure cancels the rest and is rethrown. */
final class Parallel {
    private Parallel() {
    }

    static void run(List<Runnable> tasks, int n, String name) {
        if (tasks.isEmpty()) {
            return;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, tasks.size()), Thread.ofVirtual().name(name, 0).factory())) {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable task : tasks) {
                futures.add(pool.submit(task));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new RegistryException(String.valueOf(cause.getMessage()), cause);
                } catch (InterruptedException e) {
                    futures.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new RegistryException("interrupted");
                }
            }
        }
    }
}
