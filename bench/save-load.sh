#!/usr/bin/env bash
# berth save/load against podman save/load on the same image (one layer of a few hundred MB of mixed files).
source "$(dirname "$(readlink -f "$0")")/common.sh"
tree="$(dataset)"
podman="$(podman_cmd)"
image=localhost/bench/dataset:1
if ! "$berth" images -q "$image" | grep -q .; then
  tar -C "$tree" -cf "$work/dataset.tar" .
  "$berth" import "$work/dataset.tar" "$image" --change 'CMD ["/bin/true"]' >/dev/null
  rm -f "$work/dataset.tar"
fi
"$berth" save --format docker -o "$work/seed.tar" "$image"
$podman load -q -i "$work/seed.tar" >/dev/null
echo "image: $("$berth" images "$image" | tail -1)"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/save.json" \
  "$berth save --format docker -o $work/berth-save.tar $image" \
  "$podman save --format docker-archive -o $work/podman-save.tar $image" \
  "$berth save --format oci -o $work/berth-save-oci.tar $image" \
  "$podman save --format oci-archive -o $work/podman-save-oci.tar $image" >&2
report "$work/save.json"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/load.json" \
  --prepare "$berth rmi -f $image >/dev/null 2>&1 || true; $berth system gc >/dev/null" \
  "$berth load -i $work/podman-save.tar" \
  --prepare "$podman rmi -f $image >/dev/null 2>&1 || true" \
  "$podman load -q -i $work/podman-save.tar" >&2
report "$work/load.json"
