package dev.berth.daemon.deploy;

/** Where a rollout reports its steps as they happen (the API streams them to the CLI; reconciliation logs them). */
@FunctionalInterface
public interface Progress {
    void step(String message);

    Progress NONE = message -> { };
}
