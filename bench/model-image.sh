#!/usr/bin/env bash
# The packaged model image: its size against the model's, how long packaging takes cold and warm, and the cold start
# (from `berth run` until the first successful inference over HTTP). Not a timed test: figures for BENCHMARKS.md.
#
#   bench/model-image.sh [MODEL.onnx]     (default: examples/models/iris-v1.onnx, else the CLI tests' linear model)
#   RUNS=10 PORT=18431 bench/model-image.sh
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work="${BENCH_WORK:-/tmp/berth-bench-model}"
runs="${RUNS:-10}"
port="${PORT:-18431}"
model="${1:-$repo/examples/models/iris-v1.onnx}"
[ -f "$model" ] || model="$repo/berth-cli/src/test/resources/dev/berth/cli/model/linear-v1.onnx"
"$repo/scripts/install-deps" curl python3 runc conmon >/dev/null

rm -rf "$work" && mkdir -p "$work"
export BERTH_ROOT="$work/berth-root"
berth="$repo/berth"
"$berth" --version >/dev/null # build and train the launcher's AOT cache before anything is timed
export BERTH_SKIP_REBUILD=1
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01: the image digest printed below is reproducible
image=bench-model:1

ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "## Packaging $(basename "$model") ($(stat -c %s "$model") bytes)"
t0=$(ms); "$berth" model package -q "$model" -t "$image" >/dev/null; t1=$(ms)
echo "cold (empty store: Debian packages fetched, jlink, every layer written): $((t1 - t0)) ms"
t0=$(ms); "$berth" model package -q "$model" -t bench-model:2 >/dev/null; t1=$(ms)
echo "warm (base, Java and server layers reused; only the model layer written): $((t1 - t0)) ms"

"$berth" inspect "$image" >"$work/inspect.json"
python3 - "$work/inspect.json" "$model" "$BERTH_ROOT" <<'PY'
import json, os, sys, gzip
image = json.load(open(sys.argv[1]))[0]
model_size = os.path.getsize(sys.argv[2])
layers = image["Manifest"]["layers"]
history = [h for h in image["History"] if not h.get("empty_layer")]
blobs = os.path.join(sys.argv[3], "images", "blobs", "sha256")
def unpacked(digest):
    with gzip.open(os.path.join(blobs, digest.split(":")[1]), "rb") as f:
        n = 0
        while chunk := f.read(1 << 20):
            n += len(chunk)
        return n
print()
print("| layer | compressed | unpacked |")
print("|---|---|---|")
total_c = total_u = 0
for layer, h in zip(layers, history):
    u = unpacked(layer["digest"])
    total_c += layer["size"]; total_u += u
    print(f"| {h['created_by'].replace('berth model package: ', '')[:60]} | {layer['size']/1e6:.1f} MB | {u/1e6:.1f} MB |")
print(f"| **image** | **{total_c/1e6:.1f} MB** | **{total_u/1e6:.1f} MB** |")
print()
print(f"model file: {model_size/1e6:.3f} MB; image minus model: {(total_c - model_size)/1e6:.1f} MB compressed, "
      f"{(total_u - model_size)/1e6:.1f} MB unpacked (target: under 120 MB plus the model)")
print(f"manifest digest (SOURCE_DATE_EPOCH={os.environ['SOURCE_DATE_EPOCH']}): {image['RepoDigests'][0]}")
PY

# Cold start needs the model server in the image.
if ! unzip -l "$repo/berth-cli/target/lib/berth-model-"*.jar 2>/dev/null | grep -q 'dev/berth/model/server/ServerMain.class'; then
  echo
  echo "cold start: skipped, this build of berth-model has no model server (dev.berth.model.server.ServerMain) yet"
  exit 0
fi

# A request with every input filled with ones, open dimensions as 1.
body="$work/request.json"
python3 - "$work/inspect.json" >"$body" <<'PY'
import json, sys, math
model = json.load(open(sys.argv[1]))[0]["Model"]
inputs = []
for t in model["Inputs"]:
    shape = [1 if d < 0 else d for d in t["shape"]]
    n = math.prod(shape)
    value = 1.0 if t["datatype"].startswith(("FP", "BF")) else 1
    inputs.append({"name": t["name"], "datatype": t["datatype"], "shape": shape, "data": [value] * n})
print(json.dumps({"inputs": inputs}))
PY
name="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Model"]["Name"])' "$work/inspect.json")"
url="http://127.0.0.1:$port/v2/models/$name/infer"

# The daemon the runs below start on demand is stopped at the end, by its PID (it logs its socket when it starts).
stop_daemon() {
  local socket pid
  socket="$(sed -n 's/^berth daemon: serving .* on //p' "$BERTH_ROOT/daemon.log" 2>/dev/null | tail -1)"
  [ -n "$socket" ] && [ -S "$socket" ] || return 0
  pid="$(curl -s --max-time 2 --unix-socket "$socket" http://berth/version | python3 -c 'import json, sys; print(json.load(sys.stdin)["Pid"])' 2>/dev/null || true)"
  if [ -n "$pid" ]; then
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}
trap stop_daemon EXIT

# One run first so the daemon is up and the image unpacked: what is timed is a container's start, not the engine's.
cold_start() {
  local id start end
  start=$(ms)
  id="$("$berth" run -d -p "127.0.0.1:$port:8080" --memory 256m "$image")"
  until curl -fs -o /dev/null -H 'Content-Type: application/json' --data @"$body" "$url"; do sleep 0.005; done
  end=$(ms)
  "$berth" rm -f "$id" >/dev/null
  echo $((end - start))
}
cold_start >/dev/null
echo
echo "## Cold start: berth run -d … until the first successful POST $url ($runs runs, --memory 256m)"
times=()
for _ in $(seq "$runs"); do times+=("$(cold_start)"); done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %d ms, min %d ms, max %d ms (target: under 1000 ms)\n", a[int((NR+1)/2)], a[1], a[NR]}'
