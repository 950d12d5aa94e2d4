package dev.berth.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.image.ContainerConfig.HealthConfig;
import dev.berth.oci.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written JSON of `berth run`'s request reads back, through the daemon's Jackson mapper, as the same request. */
class CreateRequestJsonTest {
    @Test
    void everyFieldSurvivesTheTripThroughTheDaemonsMapper() {
        HostConfig host = new HostConfig(List.of("/src:/dst:ro"), Map.of("/scratch", "size=1m"), true, 64L << 20, 1_500_000_000L,
                50L, "bridge", Map.of("80/tcp", List.of(new HostConfig.PortBinding("127.0.0.1", "8081"))),
                new HostConfig.RestartPolicy("on-failure", 3), false,
                new HostConfig.LogConfig("k8s-file", Map.of("max-size", "10m", "max-file", "3")), List.of("no-new-privileges"));
        CreateRequest request = new CreateRequest("busybox:1", List.of("sh", "-c", "echo \"quoted\" \\\\ back\tslash\n"),
                List.of(""), List.of("A=b", "EMPTY="), "/tmp", "1000:1000", "box", Map.of("role", "test"),
                Map.of("80/tcp", Map.of()), new HealthConfig(List.of("CMD-SHELL", "true"), 1_000_000_000L, 2_000_000_000L,
                        null, null, 2), "SIGINT", 5, host);
        CreateRequest back = Json.read(request.toJson().getBytes(StandardCharsets.UTF_8), CreateRequest.class, "request");
        assertThat(back).isEqualTo(request);
    }

    @Test
    void absentPartsStayAbsent() {
        CreateRequest request = new CreateRequest("busybox:1", null, null, null, null, null, null, null, null, null, null, null,
                HostConfig.defaults());
        assertThat(Json.read(request.toJson().getBytes(StandardCharsets.UTF_8), CreateRequest.class, "request"))
                .isEqualTo(request);
    }
}
