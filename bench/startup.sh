#!/usr/bin/env bash
# Start-up of short commands: berth (JDK 25 + AOT cache) against itself without the cache, and podman.
source "$(dirname "$(readlink -f "$0")")/common.sh"
podman="$(podman_cmd)"
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$work/startup.json" \
  "$berth --version" \
  "env BERTH_JAVA_OPTS=-XX:AOTMode=off $berth --version" \
  "$berth images" \
  "env BERTH_JAVA_OPTS=-XX:AOTMode=off $berth images" \
  "podman --version" \
  "$podman images" >&2
report "$work/startup.json"
