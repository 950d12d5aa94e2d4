#!/usr/bin/env bash
# berth build against podman build --layers (Buildah) on one multi-stage Dockerfile with a few hundred source files:
# a build that runs every step (--no-cache), a rebuild with nothing changed, and a rebuild after one source file
# changed. Same busybox base image on both sides (Berth's image loaded into podman from a docker archive Berth wrote).
source "$(dirname "$(readlink -f "$0")")/common.sh"
podman="$(podman_cmd) --runtime runc"
ctx="$work/build-context"
image=localhost/bench/busybox:1

# The context: 300 source files in 30 packages, a Dockerfile with three stages (two of them independent).
rm -rf "$ctx" && mkdir -p "$ctx/src"
for p in $(seq 0 29); do
  mkdir -p "$ctx/src/pkg$p"
  for f in $(seq 0 9); do
    printf 'package %s file %s\n%s\n' "$p" "$f" "$(head -c 600 /dev/zero | tr '\0' 'x')" >"$ctx/src/pkg$p/file$f.txt"
  done
done
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $image AS deps
RUN mkdir -p /deps && for i in 1 2 3 4 5 6 7 8 9 10; do echo "dependency \$i" > /deps/dep\$i.txt; done

FROM $image AS build
WORKDIR /build
COPY src ./src
RUN cat src/*/*.txt | wc -l > /build/lines && ls src | wc -l > /build/packages

FROM $image
COPY --from=deps /deps /opt/deps
COPY --from=build /build/lines /build/packages /opt/app/
COPY src /opt/app/src
ENV APP_HOME=/opt/app
CMD ["cat", "/opt/app/lines"]
DOCKERFILE

# The base image in both stores.
rm -rf "$BERTH_ROOT"
$podman rmi -a -f >/dev/null 2>&1 || true
busybox_rootfs "$work/busybox-rootfs"
for applet in mkdir wc ls; do ln -sf busybox "$work/busybox-rootfs/bin/$applet"; done
tar -C "$work/busybox-rootfs" -cf "$work/busybox.tar" .
"$berth" import "$work/busybox.tar" "$image" >/dev/null
"$berth" save --format docker -o "$work/busybox-docker.tar" "$image"
$podman load -q -i "$work/busybox-docker.tar" >/dev/null

berth_build="$berth build --progress plain -t localhost/bench/app:1 $ctx"
podman_build="$podman build --layers --pull=never -t localhost/bench/app:1 $ctx"
# Both must build it and agree on what the image says.
$berth_build >/dev/null
$podman_build >/dev/null
echo "berth:  $($berth run --rm --network none localhost/bench/app:1)"
echo "podman: $($podman run --rm --network none localhost/bench/app:1)"
stop_berth_daemon

runs="${RUNS:-10}"
hyperfine --warmup 1 --runs "$runs" --export-json "$work/build-cold.json" \
  "$berth_build --no-cache" "$podman_build --no-cache" >&2
report "$work/build-cold.json"
hyperfine --warmup 2 --runs "$runs" --export-json "$work/build-nochange.json" \
  "$berth_build" "$podman_build" >&2
report "$work/build-nochange.json"
# A different content each run: the COPY of src and everything after it rerun, the rest comes from the cache.
hyperfine --warmup 1 --runs "$runs" --export-json "$work/build-onefile.json" \
  --prepare "date +%s%N > $ctx/src/pkg7/file3.txt" "$berth_build" \
  --prepare "date +%s%N > $ctx/src/pkg7/file3.txt" "$podman_build" >&2
report "$work/build-onefile.json"
