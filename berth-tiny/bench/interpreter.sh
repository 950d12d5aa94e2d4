#!/usr/bin/env bash
# Interpreter benchmark: Berth's pure-Java interpreter against ONNX Runtime (Maven Central, native) on every model
# in ../shared/tinyml, and, when Debian's Arm NN is installed, against Arm NN's reference CPU backend.
# Usage: berth-tiny/bench/interpreter.sh [SECONDS_PER_MEASUREMENT]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED="$(pwd)/../shared/tinyml"
SECONDS_PER="${1:-2}"
./mvnw -B -q -pl berth-oci install -DskipTests
./mvnw -B -q -pl berth-tiny -Pbench test-compile
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -B -q -pl berth-tiny -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
"$JAVA" -cp "berth-tiny/target/classes:berth-tiny/target/test-classes:$(cat "$CP_FILE")" \
    dev.berth.tiny.bench.InterpreterBenchmark "$SHARED" "$SECONDS_PER"
if /usr/bin/python3 -c 'import pyarmnn' 2>/dev/null; then
    echo
    echo "Arm NN (Debian python3-pyarmnn, CpuRef backend):"
    /usr/bin/python3 berth-tiny/bench/armnn_bench.py "$SHARED" "$SECONDS_PER"
else
    echo "Arm NN not installed (apt-get install python3-pyarmnn libarmnn-cpuref-backend22 libarmnntfliteparser22)"
fi
