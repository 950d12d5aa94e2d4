package dev.berth.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runtime.ContainerException;
import org.junit.jupiter.api.Test;

class ToolsTest {
    @Test
    void aMissingToolIsNamedWithTheCommandThatInstallsIt() {
        assertThatThrownBy(() -> Tools.require("berth-no-such-tool", "berth-no-such-package"))
                .isInstanceOf(ContainerException.class)
                .hasMessage("berth-no-such-tool is not installed, and Berth needs it to run containers: install it with"
                        + " `apt-get install berth-no-such-package` (or run scripts/install-deps)");
    }

    @Test
    void runcAndConmonAreFoundOnThisHost() {
        assertThat(Tools.require("runc", "runc")).isExecutable();
        assertThat(Tools.require("conmon", "conmon")).isExecutable();
    }
}
