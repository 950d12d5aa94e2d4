#!/usr/bin/env bash
# berth save/load against podman save/load on the same image (one layer of a few hundred MB of mixed files).
source "$(dirname "$(readlink -f "$0")")/common.sh"
tree="$(dataset)"
podman="$(podman_cmd)"
image=localhost/bench/dataset:1
# Fresh stores each time: the image as `berth import` makes it (one gzip layer), and nothing else in either store,
# so no layer is found already present by either side.
$podman rmi -a -f >/dev/null 2>&1 || true
rm -rf "$BERTH_ROOT"
tar -C "$tree" -cf "$work/dataset.tar" .
"$berth" import "$work/dataset.tar" "$image" --change 'CMD ["/bin/true"]' >/dev/null
rm -f "$work/dataset.tar"
rm -f "$work/seed.tar"
"$berth" save --format docker -o "$work/seed.tar" "$image"
$podman load -q -i "$work/seed.tar" >/dev/null
echo "image: $("$berth" images "$image" | tail -1)"
# podman refuses to write over an existing archive: every run starts without one, for both.
clean="rm -f $work/berth-save.tar $work/podman-save.tar $work/berth-save-oci.tar $work/podman-save-oci.tar"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/save.json" --prepare "$clean" \
  "$berth save --format docker -o $work/berth-save.tar $image" \
  "$podman save --format docker-archive -o $work/podman-save.tar $image" \
  "$berth save --format oci -o $work/berth-save-oci.tar $image" \
  "$podman save --format oci-archive -o $work/podman-save-oci.tar $image" >&2
report "$work/save.json"
# Both load the archive podman wrote.
rm -f "$work/podman-load.tar"
$podman save --format docker-archive -o "$work/podman-load.tar" "$image"
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/load.json" \
  --prepare "rm -rf $work/load-root" \
  "env BERTH_ROOT=$work/load-root $berth load -i $work/podman-load.tar" \
  --prepare "$podman rmi -a -f" \
  "$podman load -q -i $work/podman-load.tar" >&2
report "$work/load.json"
