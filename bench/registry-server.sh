#!/usr/bin/env bash
# On loopback, in one run:
#  - Berth's client (berth push/pull) against skopeo, both talking to the same Berth registry: a 256 MiB single-layer
#    image and a 30-layer image;
#  - Berth's registry server against distribution 2.8 (Debian's docker-registry) under the same clients: skopeo
#    upload and download, a raw blob download with curl, and manifest GETs per second at 64 connections with wrk.
source "$(dirname "$(readlink -f "$0")")/common.sh"
"$repo/scripts/install-deps" docker-registry skopeo wrk curl >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# A 256 MiB incompressible layer in an OCI layout, made once.
layout="$work/oci-256"
if [ ! -f "$layout/index.json" ]; then
  rm -rf "$layout" "$work/rootfs-256" && mkdir -p "$work/rootfs-256"
  head -c $((256 * 1024 * 1024)) /dev/urandom > "$work/rootfs-256/payload.bin"
  tar -C "$work/rootfs-256" -cf "$work/rootfs-256.tar" .
  "$berth" import "$work/rootfs-256.tar" bench/big:1 >/dev/null  # gzip, as registries serve layers (skopeo would compress a plain one)
  "$berth" save --format oci -o "$work/big-oci.tar" bench/big:1
  mkdir -p "$layout" && tar -C "$layout" -xf "$work/big-oci.tar"
  rm -f "$work/rootfs-256.tar" "$work/big-oci.tar"
fi
layer=$(python3 -c "import json,sys;i=json.load(open('$layout/index.json'));m=json.load(open('$layout/blobs/sha256/'+i['manifests'][0]['digest'].split(':')[1]));print(m['layers'][0]['digest'])")
tag=$(python3 -c "import json;print(json.load(open('$layout/index.json'))['manifests'][0]['annotations']['org.opencontainers.image.ref.name'])")

berth_port=$(free_port)
rm -rf "$work/berth-registry"
"$berth" registry serve --addr "127.0.0.1:$berth_port" --root "$work/berth-registry" >"$work/berth-registry.log" 2>&1 &
berth_pid=$!
dist_port=$(free_port)
rm -rf "$work/dist-registry" && mkdir -p "$work/dist-registry"
cat >"$work/dist-registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/dist-registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$dist_port
YAML
env -u REGISTRY_HTTP_ADDR docker-registry serve "$work/dist-registry/config.yml" >"$work/dist-registry.log" 2>&1 &
dist_pid=$!
trap 'kill $berth_pid $dist_pid 2>/dev/null || true' EXIT
for port in $berth_port $dist_port; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
done

# Deletes a layout's manifest and blobs from a repository, so the next push sends everything again (skopeo otherwise
# sees the manifest already there and skips the copy).
clear_repo() { # PORT LAYOUT REPOSITORY
  # skopeo's blob-info cache would also let it mount the blobs from another repository instead of uploading them.
  echo "rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb \$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb; for d in \$(ls $2/blobs/sha256); do curl -s -o /dev/null -X DELETE http://127.0.0.1:$1/v2/$3/manifests/sha256:\$d; curl -s -o /dev/null -X DELETE http://127.0.0.1:$1/v2/$3/blobs/sha256:\$d; done"
}
skopeo_to() { echo "skopeo copy -q --dest-tls-verify=false oci:$layout:$tag docker://127.0.0.1:$1/bench/big:$2"; }
bytes=$(stat -c %s "$layout/blobs/sha256/${layer#sha256:}")
echo "layer: $layer, $bytes bytes"
# Upload: a fresh tag and repository each run so nothing is skipped as already present.
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/registry-push.json" \
  --prepare "$(clear_repo "$berth_port" "$layout" bench/big)" "$(skopeo_to "$berth_port" up)" \
  --prepare "$(clear_repo "$dist_port" "$layout" bench/big)" "$(skopeo_to "$dist_port" up)" >&2
report "$work/registry-push.json" "$bytes"
$(skopeo_to "$berth_port" up) && $(skopeo_to "$dist_port" up) # content for the download runs
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/registry-blob.json" \
  "curl -sf -o /dev/null http://127.0.0.1:$berth_port/v2/bench/big/blobs/$layer" \
  "curl -sf -o /dev/null http://127.0.0.1:$dist_port/v2/bench/big/blobs/$layer" >&2
report "$work/registry-blob.json" "$bytes"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/registry-pull.json" \
  --prepare "rm -rf $work/pulled" "skopeo copy -q --src-tls-verify=false docker://127.0.0.1:$berth_port/bench/big:up oci:$work/pulled:x" \
  --prepare "rm -rf $work/pulled" "skopeo copy -q --src-tls-verify=false docker://127.0.0.1:$dist_port/bench/big:up oci:$work/pulled:x" >&2
report "$work/registry-pull.json" "$bytes"
# ---- clients against the same (Berth) registry
# A 30-layer image (30 layers of 4 MiB of random bytes), written as an OCI layout once.
layout30="$work/oci-30"
if [ ! -f "$layout30/index.json" ]; then
  python3 - "$layout30" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
root = sys.argv[1]
os.makedirs(root + "/blobs/sha256", exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{root}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
layers, diffs = [], []
for i in range(30):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        payload = os.urandom(4 << 20)
        info = tarfile.TarInfo(f"layer{i}.bin"); info.size = len(payload); info.mtime = 0
        t.addfile(info, io.BytesIO(payload))
    tar = raw.getvalue()
    diffs.append("sha256:" + hashlib.sha256(tar).hexdigest())
    d, n = put(gzip.compress(tar, compresslevel=1, mtime=0))
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n})
config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diffs}}).encode()
cd, cn = put(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn}, "layers": layers}).encode()
md, mn = put(manifest)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md,
    "size": mn, "annotations": {"org.opencontainers.image.ref.name": "30"}}]}, open(root + "/index.json", "w"))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
fi
# Berth pushes from its store: the 256 MiB image is there already (bench/big:1); the 30-layer one is loaded.
"$berth" tag bench/big:1 "127.0.0.1:$berth_port/client/big:1"
thirty_id=$(tar -C "$layout30" -cf - . | "$berth" load -i - | awk '/Loaded image ID/ {print $4}')
"$berth" tag "$thirty_id" "127.0.0.1:$berth_port/client/thirty:1"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/client-push.json" \
  --prepare "$(clear_repo "$berth_port" "$layout" client/big)" "$berth push -q 127.0.0.1:$berth_port/client/big:1" \
  --prepare "$(clear_repo "$berth_port" "$layout" client/big)" "skopeo copy -q --dest-tls-verify=false oci:$layout:$tag docker://127.0.0.1:$berth_port/client/big:1" \
  --prepare "$(clear_repo "$berth_port" "$layout30" client/thirty)" "$berth push -q 127.0.0.1:$berth_port/client/thirty:1" \
  --prepare "$(clear_repo "$berth_port" "$layout30" client/thirty)" "skopeo copy -q --dest-tls-verify=false oci:$layout30:30 docker://127.0.0.1:$berth_port/client/thirty:1" >&2
report "$work/client-push.json"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/client-pull.json" \
  --prepare "rm -rf $work/pull-root" "env BERTH_ROOT=$work/pull-root $berth pull -q 127.0.0.1:$berth_port/client/big:1" \
  --prepare "rm -rf $work/pulled" "skopeo copy -q --src-tls-verify=false docker://127.0.0.1:$berth_port/client/big:1 oci:$work/pulled:x" \
  --prepare "rm -rf $work/pull-root" "env BERTH_ROOT=$work/pull-root $berth pull -q 127.0.0.1:$berth_port/client/thirty:1" \
  --prepare "rm -rf $work/pulled" "skopeo copy -q --src-tls-verify=false docker://127.0.0.1:$berth_port/client/thirty:1 oci:$work/pulled:x" >&2
report "$work/client-pull.json"

# ---- manifest GETs
accept="Accept: application/vnd.oci.image.manifest.v1+json"
for port in $berth_port $dist_port; do
  name=$([ "$port" = "$berth_port" ] && echo berth || echo distribution)
  printf '%s manifest GETs: ' "$name"
  wrk -t2 -c64 -d10s -H "$accept" "http://127.0.0.1:$port/v2/bench/big/manifests/up" | awk '/Requests\/sec/ {print $2 " req/s"} /Non-2xx/ {print "non-2xx: " $NF}'
done
