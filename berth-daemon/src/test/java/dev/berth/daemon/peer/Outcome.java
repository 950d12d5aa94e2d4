package dev.berth.daemon.peer;

/** What a container printed on stdout and how it ended: the two things the engines must agree on. */
record Outcome(String stdout, int exitCode) {
}
