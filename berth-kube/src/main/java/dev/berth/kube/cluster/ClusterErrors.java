package dev.berth.kube.cluster;

import dev.berth.kube.KubeException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns what the fabric8 client throws into one line for the user, naming the cluster and what Berth was doing. */
public final class ClusterErrors {
    private ClusterErrors() {
    }

    public static KubeException translate(KubernetesClientException e, ClusterConnection cluster, String doing) {
        String where = cluster.description();
        Throwable network = networkCause(e);
        if (network != null) {
            String reason = reason(network);
            return new KubeException("cannot reach the Kubernetes API server at " + where + " while " + doing + ": " + reason
                    + ". Is the cluster running, and is the kubeconfig's server address right?", e);
        }
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        return switch (e.getCode()) {
            case 401 -> new KubeException("the cluster at " + where + " did not accept the kubeconfig's credentials while "
                    + doing + " (401 Unauthorized): log in again or refresh the kubeconfig", e);
            case 403 -> new KubeException("the cluster at " + where + " forbids " + doing + ": " + status, e);
            case 404 -> new KubeException("the cluster at " + where + " has no such object while " + doing + ": " + status, e);
            case 409 -> new KubeException("conflict while " + doing + ": " + status
                    + " (another deploy or rollback at the same time?); run the command again", e);
            case 422 -> new KubeException("the cluster at " + where + " rejected " + doing + ": " + status, e);
            default -> new KubeException("the cluster at " + where + " failed while " + doing
                    + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "") + ": " + status, e);
        };
    }

    /**
     * What went wrong on the network, in words: the JDK's HTTP client reports a refused connection and an unknown host
     * alike as a ConnectException without a message, the difference being in its cause.
     */
    private static String reason(Throwable network) {
        for (Throwable t = network; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
                return "the server's host name does not resolve";
            }
        }
        for (Throwable t = network; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return switch (network) {
            case ConnectException c -> "connection refused";
            case TimeoutException t -> "timed out";
            default -> network.getClass().getSimpleName();
        };
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SSLException || t instanceof TimeoutException
                    || (t instanceof IOException && !(t.getCause() instanceof IOException))) {
                return t;
            }
        }
        return null;
    }
}
