package dev.berth.cli;

import dev.berth.oci.OciException;

/** Which exceptions carry a message written for the user (each module's one exception type). */
final class UserErrors {
    private UserErrors() {
    }

    static boolean isUserError(Throwable e) {
        return e instanceof OciException || e instanceof dev.berth.registry.RegistryException
                || e instanceof dev.berth.daemon.EngineException || e instanceof dev.berth.runtime.ContainerException
                || e instanceof dev.berth.build.BuildException || e instanceof dev.berth.model.ModelException
                || e instanceof dev.berth.kube.KubeException;
    }
}
