package dev.berth.runtime.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a container created by runc: a sleeping process in a new, empty network namespace. Processes started
 * inside it (servers, ping) are tracked and ended with it, by their own handles.
 */
final class NetnsProcess implements AutoCloseable {
    private final Process process;
    private final List<Process> inside = new ArrayList<>();

    private NetnsProcess(Process process) {
        this.process = process;
    }

    static NetnsProcess start() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("unshare", "--net", "sleep", "1000").redirectErrorStream(true).start();
        NetnsProcess netns = new NetnsProcess(process);
        String hostNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        // unshare switches namespaces just after it starts; wait until it has.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                String own = Files.readSymbolicLink(Path.of("/proc/" + process.pid() + "/ns/net")).toString();
                if (!own.equals(hostNamespace)) {
                    return netns;
                }
            } catch (IOException e) {
                // not there yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                netns.close();
                throw new IOException("unshare --net did not get its own network namespace");
            }
            Thread.sleep(2);
        }
    }

    int pid() {
        return (int) process.pid();
    }

    /** Runs a command inside the namespace to completion. */
    HostCommand.Result run(String... command) {
        return HostCommand.attempt(null, inNamespace(command));
    }

    /** Starts a long-running command inside the namespace; it is ended by {@link #close}. */
    Process spawn(String... command) throws IOException {
        Process started = new ProcessBuilder(inNamespace(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        inside.add(started);
        return started;
    }

    private List<String> inNamespace(String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/proc/" + pid() + "/ns/net"));
        full.addAll(List.of(command));
        return full;
    }

    String namespaceLink() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid() + "/ns/net")).toString();
    }

    @Override
    public void close() {
        for (Process started : inside) {
            started.destroyForcibly();
        }
        process.destroyForcibly();
        try {
            for (Process started : inside) {
                started.waitFor(5, TimeUnit.SECONDS);
            }
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
