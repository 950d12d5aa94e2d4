package dev.berth.runtime.network;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A second process attaching containers to the same network, to prove the state file lock works across processes.
 * Protocol on stdin/stdout: prints STARTED when its namespaces exist, attaches all on "GO" (concurrently), prints one
 * "ATTACHED id ip" line each and READY, then detaches all on the next line and prints DONE.
 *
 * <p>Arguments: network name, bridge, subnet, state dir, container ids...
 */
public final class AttachFromAnotherProcess {
    public static void main(String[] args) throws Exception {
        NetworkConfig config = new NetworkConfig(args[0], args[1], args[2], Path.of(args[3]));
        List<String> ids = List.of(args).subList(4, args.length);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<NetnsProcess> processes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(ids.size())) {
            BridgeNetwork network = BridgeNetwork.open(config);
            for (int i = 0; i < ids.size(); i++) {
                processes.add(NetnsProcess.start());
            }
            System.out.println("STARTED");
            System.out.flush();
            in.readLine();
            List<Callable<Attachment>> attaches = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                int n = i;
                attaches.add(() -> network.attach(ids.get(n), "other" + n, processes.get(n).pid(), List.of()));
            }
            for (Future<Attachment> done : pool.invokeAll(attaches)) {
                Attachment attachment = done.get();
                System.out.println("ATTACHED " + attachment.containerId() + " " + attachment.ipAddress());
            }
            System.out.println("READY");
            System.out.flush();
            in.readLine();
            for (String id : ids) {
                network.detach(id);
            }
            System.out.println("DONE");
        } finally {
            processes.forEach(NetnsProcess::close);
        }
    }
}
