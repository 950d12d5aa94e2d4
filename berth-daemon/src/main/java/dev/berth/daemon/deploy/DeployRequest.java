package dev.berth.daemon.deploy;

/**
 * {@code POST /deployments}: deploy an image as a new deployment, or as a new revision of an existing one. Null fields
 * mean "as before" for an existing deployment, otherwise the defaults: the deployment's name from the image's
 * model-name label or the repository's last path element, 1 replica, 127.0.0.1, readiness at {@code /v2/health/ready}
 * within 60 seconds. Memory and CPUs not given come from the image's labels for a new image, and stay as they are when
 * the image is the one already running (so a change of the replica count keeps limits set by hand).
 *
 * @param image            the image reference (required), e.g. {@code iris:2}
 * @param name             the deployment's name
 * @param port             the host port the deployment listens on (required for a new deployment)
 * @param publishAddress   the host address the port is bound on
 * @param replicas         how many replica containers to run
 * @param memory           memory limit per replica in bytes (0 for none)
 * @param nanoCpus         CPU limit per replica in billionths of a CPU (0 for none)
 * @param readinessPath    the HTTP path that answers 200 once a replica can take traffic
 * @param readinessTimeoutSeconds how long a new replica may take to become ready
 */
public record DeployRequest(String image, String name, Integer port, String publishAddress, Integer replicas, Long memory,
                            Long nanoCpus, String readinessPath, Integer readinessTimeoutSeconds) {
}
