# Shared by the benchmark scripts: a work directory, the dataset, podman with its own throwaway state.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work="${BENCH_WORK:-/tmp/berth-bench}"
mkdir -p "$work"
"$repo/scripts/install-deps" hyperfine podman runc conmon zstd gzip tar python3 >/dev/null
export BERTH_ROOT="$work/berth-root"
berth="$repo/berth"
"$berth" --version >/dev/null # build and train the AOT cache before anything is timed
export BERTH_SKIP_REBUILD=1  # and never rebuild in the middle of a measurement

# A few hundred MB of mixed files (documentation text, compressed docs, executables, symlinks), copied once.
dataset() {
  local tree="$work/tree"
  if [ ! -f "$work/tree.done" ]; then
    rm -rf "$tree" && mkdir -p "$tree"
    cp -a /usr/share/doc "$tree/doc"
    cp -a /usr/bin "$tree/bin"
    touch "$work/tree.done"
  fi
  echo "$tree"
}

# podman as a peer, with state of its own so nothing of the machine's is touched.
podman_cmd() {
  mkdir -p "$work/podman"
  printf '[containers]\ndefault_ulimits = []\n' >"$work/podman/containers.conf"
  echo "env CONTAINERS_CONF=$work/podman/containers.conf podman --root $work/podman/root --runroot $work/podman/runroot --storage-driver vfs --cgroup-manager cgroupfs --events-backend none"
}

# Medians and ratios from a hyperfine JSON export: prints a markdown table.
report() {
  python3 - "$1" "${2:-0}" <<'PY'
import json, sys, statistics
data = json.load(open(sys.argv[1]))
size = int(sys.argv[2])
rows = data["results"]
base = statistics.median(rows[0]["times"])
print("| command | median s | min s | max s | runs | " + ("MB/s | " if size else "") + "time vs first row |")
print("|---|---|---|---|---|" + ("---|" if size else "") + "---|")
for r in rows:
    med = statistics.median(r["times"])
    mbs = f"{size / med / 1e6:.0f} | " if size else ""
    print(f"| `{r['command']}` | {med:.3f} | {min(r['times']):.3f} | {max(r['times']):.3f} | {len(r['times'])} | {mbs}{med / base:.2f}× |")
PY
}

# A busybox root filesystem (Debian's static busybox and its applets as symlinks, root in /etc/passwd) in $1.
busybox_rootfs() {
  local rootfs="$1" applet
  "$repo/scripts/install-deps" busybox-static >/dev/null
  rm -rf "$rootfs" && mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
  cp /usr/bin/busybox "$rootfs/bin/busybox"
  for applet in sh true echo cat ls id env sleep; do
    ln -s busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
}

# The PID of the daemon serving $BERTH_ROOT (it logs its socket when it starts), or nothing when none answers.
berth_daemon_pid() {
  local socket
  socket="$(sed -n 's/^berth daemon: serving .* on //p' "$BERTH_ROOT/daemon.log" 2>/dev/null | tail -1)"
  [ -n "$socket" ] && [ -S "$socket" ] || return 0
  curl -s --max-time 2 --unix-socket "$socket" http://berth/version | python3 -c 'import json, sys; print(json.load(sys.stdin)["Pid"])' 2>/dev/null || true
}

# Stops the daemon serving $BERTH_ROOT, by its PID, and waits for it to go.
stop_berth_daemon() {
  local pid
  pid="$(berth_daemon_pid)"
  if [ -n "$pid" ]; then
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}
