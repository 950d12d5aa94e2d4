package dev.berth.cli.deploy;

import dev.berth.cli.output.OutputFormat;
import dev.berth.cli.output.Table;
import dev.berth.daemon.deploy.Deployment;
import dev.berth.daemon.deploy.DeploymentStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** How the deployment commands print: tables for people, the API's JSON for scripts. */
final class DeploymentViews {
    private DeploymentViews() {
    }

    static void printResult(PrintWriter out, DeploymentStatus s, OutputFormat format) {
        if (format == OutputFormat.JSON) {
            OutputFormat.printJson(out, s);
            return;
        }
        out.println("Deployment " + s.name() + " serves " + s.image() + " (version " + s.version() + ", revision "
                + s.revision() + ") on http://" + hostForUrl(s.address()) + ":" + s.port() + " with " + s.ready() + "/"
                + s.desired() + " replicas ready");
        out.flush();
    }

    static Table list(List<DeploymentStatus> all) {
        Table t = new Table("NAME", "IMAGE", "VERSION", "REVISION", "READY", "PORT", "STATE", "UPDATED");
        for (DeploymentStatus s : all) {
            t.row(s.name(), s.image(), s.version(), Integer.toString(s.revision()), s.ready() + "/" + s.desired(),
                    s.address() + ":" + s.port(), s.state(), ago(s.updated()));
        }
        return t;
    }

    static Table replicas(DeploymentStatus s) {
        Table t = new Table("REPLICA", "CONTAINER ID", "REVISION", "ADDRESS", "READY", "IN FLIGHT");
        for (DeploymentStatus.ReplicaStatus r : s.replicas()) {
            t.row(r.name(), r.id().substring(0, 12), Integer.toString(r.revision()), r.address(), r.ready() ? "yes" : "no",
                    Integer.toString(r.inFlight()));
        }
        return t;
    }

    static Table history(DeploymentStatus s) {
        Table t = new Table("REVISION", "IMAGE", "VERSION", "STATUS", "CREATED", "REPLACED", "BY", "NOTE");
        for (Deployment.Revision r : s.history()) {
            String note = r.rollbackOf() != null ? "rollback to revision " + r.rollbackOf() : "";
            if (r.message() != null) {
                String first = r.message().lines().findFirst().orElse("");
                note = (note.isEmpty() ? "" : note + "; ") + first;
            }
            t.row(Integer.toString(r.number()), r.image(), r.version(), r.status(), ago(r.created()),
                    r.replaced() == null ? "" : ago(r.replaced()), r.replacedBy() == null ? "" : Integer.toString(r.replacedBy()), note);
        }
        return t;
    }

    private static String hostForUrl(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    /** "5 seconds ago", "3 minutes ago"…, from an ISO-8601 instant. */
    static String ago(String when) {
        if (when == null || when.isEmpty()) {
            return "";
        }
        long s = Math.max(0, Duration.between(Instant.parse(when), Instant.now()).getSeconds());
        if (s < 60) {
            return s + (s == 1 ? " second ago" : " seconds ago");
        }
        if (s < 3600) {
            return s / 60 + (s / 60 == 1 ? " minute ago" : " minutes ago");
        }
        if (s < 172800) {
            return s / 3600 + (s / 3600 == 1 ? " hour ago" : " hours ago");
        }
        return s / 86400 + " days ago";
    }
}
