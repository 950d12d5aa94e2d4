package dev.berth.daemon.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code POST /containers/{id}/exec} (Docker's ExecConfig, without a terminal or stdin). */
public record ExecRequest(@JsonProperty("Cmd") List<String> cmd, @JsonProperty("Env") List<String> env,
                          @JsonProperty("WorkingDir") String workingDir, @JsonProperty("User") String user) {
}
