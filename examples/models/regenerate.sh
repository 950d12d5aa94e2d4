#!/usr/bin/env bash
# Retrains the example models and writes them here: same bytes every time (fixed seeds, no timestamps in the files).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -B -q -pl berth-model -am test-compile -DskipTests
./mvnw -B -q -pl berth-model dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
java_bin="${BERTH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
"$java_bin" -cp "berth-model/target/test-classes:berth-model/target/classes:$(cat berth-model/target/test.classpath)" \
  dev.berth.model.examples.IrisModels examples/models
sha256sum examples/models/iris-v1.onnx examples/models/iris-v2.onnx
