#!/usr/bin/env bash
# Serving benchmark of the Berth model server (not a test): wrk on loopback against ServerMain serving the example
# model examples/models/iris-v1.onnx (4 features in, 3 probabilities out), one flower per request, at 1, 16 and 64
# connections, with dynamic batching off and on; then the same inference in process (no HTTP) for the server's
# overhead, and the cold start of ServerMain until its first successful inference.
#
#   bench/model-serve.sh                 # 10 s per run
#   DURATION=30s bench/model-serve.sh
#
# Targets (issue 6): overhead < 100 us at p50 with 1 connection; >= 15 000 requests/s at 64 connections.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration="${DURATION:-10s}"
port="${PORT:-18777}"
java_bin="${BERTH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

echo "building berth-model..." >&2
./mvnw -B -q -o -pl berth-model -am install -DskipTests >&2
./mvnw -B -q -o -pl berth-model dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath >&2
cp="berth-model/target/test-classes:berth-model/target/classes:$(cat berth-model/target/test.classpath)"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A model repository as a packaged image has it: the same model twice, without and with batching.
mkdir -p "$work/models/iris" "$work/models/iris_batched"
cp examples/models/iris-v1.onnx "$work/models/iris/model.onnx"
cp examples/models/iris-v1.onnx "$work/models/iris_batched/model.onnx"
echo '{"name":"iris","version":"1","batching":null}' > "$work/models/iris/config.json"
echo '{"name":"iris_batched","version":"1","batching":{"maxSize":64,"maxDelayMicros":'"${BATCH_DELAY_US:-200}"'}}' > "$work/models/iris_batched/config.json"
printf '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.2,2.9,4.9,1.6]}]}' > "$work/one.json"

# ONNX Runtime's native library unpacked once, as a packaged image has it (onnxruntime.native.path), so the cold start
# does not include unpacking 24 MB from the jar.
ort_jar="$(tr ':' '\n' < berth-model/target/test.classpath | grep '/onnxruntime-[0-9.]*\.jar$' | head -1)"
mkdir -p "$work/native"
unzip -q -j -o "$ort_jar" 'ai/onnxruntime/native/linux-x64/*' -d "$work/native"
jvm_flags=(--enable-native-access=ALL-UNNAMED -Donnxruntime.native.path="$work/native" -Xms256m -Xmx512m -XX:+UseParallelGC)
url="http://127.0.0.1:$port"
# Starts ServerMain on the repository and waits for its first successful inference; sets started_ms to the time taken.
start_server() {
  local start_ms
  start_ms=$(date +%s%3N)
  "$java_bin" "${jvm_flags[@]}" -cp "$cp" dev.berth.model.server.ServerMain --model-repository "$work/models" \
    --host 127.0.0.1 --port "$port" 2>"$work/server.log" >/dev/null &
  server_pid=$!
  until curl -sf -o /dev/null -X POST "$url/v2/models/iris/infer" -H 'Content-Type: application/json' --data-binary @"$work/one.json"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.005
  done
  started_ms=$(( $(date +%s%3N) - start_ms ))
}
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

start_server

run() { # model connections threads
  wrk -t"$3" -c"$2" -d"$duration" --timeout 10s -s bench/model-serve-post.lua "$url/v2/models/$1/infer" -- "$work/one.json" \
    | grep '^RESULT' | sed "s/^RESULT/$1 c=$2/"
}

echo "warming up..." >&2
wrk -t2 -c16 -d5s -s bench/model-serve-post.lua "$url/v2/models/iris/infer" -- "$work/one.json" >/dev/null
wrk -t2 -c16 -d5s -s bench/model-serve-post.lua "$url/v2/models/iris_batched/infer" -- "$work/one.json" >/dev/null

results="$work/results"
: > "$results"
for model in iris iris_batched; do
  run "$model" 1 1 | tee -a "$results"
  run "$model" 16 2 | tee -a "$results"
  run "$model" 64 2 | tee -a "$results"
done
batches="$(curl -s "$url/metrics" | awk '/^berth_inference_batch_size_count\{model="iris_batched"/ {c=$2} /^berth_inference_batch_size_sum\{model="iris_batched"/ {s=$2} END {printf "%d runs, %.1f rows per run on average", c, s/c}')"

stop_server

cold=()
for i in 1 2 3 4 5; do
  start_server
  cold+=("$started_ms")
  stop_server
done
cold_sorted="$(printf '%s\n' "${cold[@]}" | sort -n | paste -sd' ')"
cold_median="$(printf '%s\n' "${cold[@]}" | sort -n | sed -n 3p)"

inproc="$("$java_bin" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.berth.model.server.InProcessBench examples/models/iris-v1.onnx "$work/one.json" | grep '^RESULT')"
echo "$inproc"

ort_p50=$(echo "$inproc" | awk '/RESULT ort/ {sub("p50_us=","",$3); print $3}')
pipeline_p50=$(echo "$inproc" | awk '/RESULT pipeline/ {sub("p50_us=","",$3); print $3}')
http_p50=$(awk '/^iris c=1 / {for (i=1;i<=NF;i++) if ($i ~ /^p50_us=/) {sub("p50_us=","",$i); print $i}}' "$results")
rps64=$(awk '/^iris c=64 / {for (i=1;i<=NF;i++) if ($i ~ /^rps=/) {sub("rps=","",$i); print $i}}' "$results")
rps64b=$(awk '/^iris_batched c=64 / {for (i=1;i<=NF;i++) if ($i ~ /^rps=/) {sub("rps=","",$i); print $i}}' "$results")

echo
echo "== Berth model server, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $duration per run =="
printf '%-14s %5s %10s %9s %9s %7s\n' model conns 'req/s' 'p50 us' 'p99 us' errors
awk '{
  for (i=1;i<=NF;i++) { split($i, kv, "="); v[kv[1]]=kv[2] }
  printf "%-14s %5s %10s %9s %9s %7s\n", $1, v["c"], v["rps"], v["p50_us"], v["p99_us"], v["errors"]+v["non2xx"]
}' "$results"
echo "batched model: $batches"
echo "in process (one thread): ONNX Runtime run p50 ${ort_p50} us; parse + run + write JSON p50 ${pipeline_p50} us"
echo "overhead at p50, 1 connection: HTTP p50 ${http_p50} us - in-process run p50 ${ort_p50} us = $(awk "BEGIN {print $http_p50 - $ort_p50}") us (target < 100)"
echo "throughput at 64 connections: ${rps64} req/s unbatched, ${rps64b} req/s batched (target >= 15000)"
echo "cold start, ServerMain (JVM, ONNX Runtime, Jetty, two models) to the first answered inference: median ${cold_median} ms of ${cold_sorted} (target < 1000)"
