#!/usr/bin/env bash
# Container start to finish for `true` in a busybox image: `berth run --rm` (daemon warm) against bare `runc run` of a
# prepared bundle of the same root filesystem (the floor) and `podman run --rm --runtime runc`, without a network and
# on a bridge with a published port. Targets: berth <= 2x runc and <= 0.5x podman.
#   RUNS=30 bench/container-start.sh      (prints a markdown table; BENCH_WORK=/tmp/berth-bench holds the state)
source "$(dirname "$(readlink -f "$0")")/common.sh"
podman="$(podman_cmd)"
cs="$work/container-start"
image=berth-bench/busybox:1
berth_port="${BERTH_PORT:-18181}"
podman_port="${PODMAN_PORT:-18182}"
mkdir -p "$cs"

# One root filesystem for all three: Berth imports it as an image, podman loads what Berth saves, runc runs it as is.
busybox_rootfs "$cs/rootfs"
tar -C "$cs/rootfs" -cf "$cs/rootfs.tar" .
"$berth" import "$cs/rootfs.tar" "$image" --change 'CMD ["sh"]' >/dev/null
"$berth" save -o "$cs/image.tar" "$image"
$podman load -q -i "$cs/image.tar" >/dev/null

# The runc bundle: runc's default spec (its own namespaces, no network but lo), no rlimits (a limit above this host's
# hard one makes runc fail), no terminal, the read-only rootfs shared by every run. Each run needs an unused ID.
rm -rf "$cs/bundle" && mkdir -p "$cs/bundle" "$cs/runc-state"
(cd "$cs/bundle" && runc spec)
python3 - "$cs/bundle/config.json" "$cs/rootfs" <<'PY'
import json, sys
path, rootfs = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
spec["root"] = {"path": rootfs, "readonly": True}
spec["process"]["terminal"] = False
spec["process"]["args"] = ["true"]
spec["process"].pop("rlimits", None)
json.dump(spec, open(path, "w"), indent=2)
PY
cat >"$cs/runc-run" <<EOF
#!/bin/sh
exec runc --root $cs/runc-state run --bundle $cs/bundle bench-\$\$
EOF
chmod +x "$cs/runc-run"

berth_none="$berth run --rm --network none $image true"
berth_bridge="$berth run --rm --network bridge -p 127.0.0.1:$berth_port:80 $image true"
podman_none="$podman run --rm --runtime runc --network none localhost/$image true"
podman_bridge="$podman run --rm --runtime runc --network bridge -p 127.0.0.1:$podman_port:80 localhost/$image true"

# Each must work once before anything is timed; this also starts Berth's daemon, so the timing finds it warm.
$berth_none
"$cs/runc-run"
$podman_none
$berth_bridge
commands=("$berth_none" "$cs/runc-run" "$podman_none" "$berth_bridge")
if $podman_bridge; then
  commands+=("$podman_bridge")
else
  echo "podman's bridge network (netavark) does not work here: its row is left out" >&2
fi
trap stop_berth_daemon EXIT

hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$work/container-start.json" "${commands[@]}" >&2

python3 - "$work/container-start.json" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))["results"]
med = {r["command"]: statistics.median(r["times"]) for r in rows}
def find(*words):
    return next((c for c in med if all(w in c for w in words)), None)
runc = find("runc-run")
peer = {"none": find("podman", "network none"), "bridge": find("podman", "network bridge")}
print("| command | median ms | min ms | max ms | runs | vs runc | vs podman |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    c = r["command"]
    network = "bridge" if "network bridge" in c else "none"
    vs_podman = f"{med[c] / med[peer[network]]:.2f}×" if "podman" not in c and "runc-run" not in c and peer[network] else "—"
    shown = "runc run --bundle B bench-$$" if c == runc else c.replace(c.split(" run ")[0], "podman" if "podman" in c else "berth")
    print(f"| `{shown}` | {med[c] * 1e3:.0f} | {min(r['times']) * 1e3:.0f} | {max(r['times']) * 1e3:.0f} | "
          f"{len(r['times'])} | {med[c] / med[runc]:.2f}× | {vs_podman} |")
PY
