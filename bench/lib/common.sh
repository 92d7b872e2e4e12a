# Shared by the bench scripts (sourced, bash). Everything a script creates -- loop devices, zram
# devices, mounts, files, processes, the bpf_stats sysctl -- is registered here and removed or
# restored by one EXIT trap, on success and on failure alike. As a safety net the trap also
# detaches every loop device whose backing file lies under this run's $BENCH_SHM and unmounts
# everything under $BENCH_TMP, even if a step died before registering it.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_TAG="ioguard-bench-$$"
BENCH_SHM="/dev/shm/$BENCH_TAG"
BENCH_TMP="$(mktemp -d "/tmp/$BENCH_TAG.XXXXXX")"
mkdir -p "$BENCH_SHM"
# Raw results: one JSON object per line, appended by each script.
BENCH_OUT="${BENCH_OUT:-$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$BENCH_OUT"
IOGUARD_PORT="${IOGUARD_PORT:-19477}"
IOGUARD_JAR="${IOGUARD_JAR:-$REPO/exporter/target/ioguard.jar}"

_pids=() _loops=() _zrams=() _mounts=() _sysctls=() _tracefs=0

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
  local rc=$? i dev m
  trap - EXIT INT TERM
  set +e +o pipefail # remove everything we can, whatever fails
  for ((i = ${#_pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${_pids[i]}" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "${_pids[i]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${_pids[i]}" 2>/dev/null || true
  done
  for m in "${_mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  # Safety net: anything mounted under this run's scratch directory.
  findmnt -rn -o TARGET | grep -F "$BENCH_TMP/" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  for dev in "${_loops[@]}"; do losetup -d "$dev" 2>/dev/null || true; done
  # Safety net: every loop device backed by a file of this run.
  losetup -n -O NAME,BACK-FILE 2>/dev/null | awk -v p="$BENCH_SHM/" 'index($2, p) == 1 {print $1}' |
    while read -r dev; do losetup -d "$dev" 2>/dev/null || true; done
  for dev in "${_zrams[@]}"; do
    echo 1 > "/sys/block/zram$dev/reset" 2>/dev/null || true
    echo "$dev" > /sys/class/zram-control/hot_remove 2>/dev/null || true
  done
  for i in "${_sysctls[@]}"; do sysctl -qw "$i" >/dev/null 2>&1 || true; done
  if ((_tracefs)); then umount /sys/kernel/tracing 2>/dev/null || true; fi
  rm -rf "$BENCH_SHM" "$BENCH_TMP"
  if ((rc)); then log "failed (exit $rc); cleaned up"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need_root() { [[ $EUID -eq 0 ]] || die "run as root (loop devices, BPF, sysctl)"; }

need_tools() {
  local t missing=()
  for t in "$@"; do command -v "$t" >/dev/null || missing+=("$t"); done
  ((${#missing[@]} == 0)) || die "missing: ${missing[*]} (run bench/install-deps.sh)"
}

# Sets a sysctl and restores its current value at exit.
set_sysctl() {
  local key=$1 value=$2
  _sysctls+=("$key=$(sysctl -n "$key")")
  sysctl -qw "$key=$value"
}

# Classic tracepoints (the bpftrace peer) need tracefs; mounted here if missing, unmounted at exit.
ensure_tracefs() {
  if [[ ! -e /sys/kernel/tracing/events ]]; then
    mount -t tracefs tracefs /sys/kernel/tracing && _tracefs=1
  fi
}

# make_loop SIZE_MIB: a loop device over a file in /dev/shm filled with random data. Sets REPLY.
make_loop() {
  local size=$1 file
  file="$(mktemp "$BENCH_SHM/loop.XXXXXX")"
  head -c "$((size << 20))" /dev/urandom > "$file"
  REPLY="$(losetup -f --show "$file")"
  _loops+=("$REPLY")
}

# make_zram SIZE_MIB: a new zram device (hot_add), filled with random data. Sets REPLY (/dev/zramN).
make_zram() {
  local size=$1 id
  [[ -e /sys/class/zram-control/hot_add ]] || modprobe zram num_devices=0 2>/dev/null || true
  [[ -e /sys/class/zram-control/hot_add ]] || die "no zram (modprobe zram)"
  id="$(cat /sys/class/zram-control/hot_add)"
  _zrams+=("$id")
  echo "$((size << 20))" > "/sys/block/zram$id/disksize"
  REPLY="/dev/zram$id"
  dd if=/dev/urandom of="$REPLY" bs=1M count="$size" oflag=direct status=none
}

# make_devices KIND...: one fresh device per kind (loop: over a file in /dev/shm; zram), of
# SIZE_MIB each, into the associative array dev (declared by the caller: declare -A dev).
make_devices() {
  local d
  for d in "$@"; do
    case $d in
      loop) make_loop "$SIZE_MIB" ;;
      zram) make_zram "$SIZE_MIB" ;;
      *) die "unknown device kind $d" ;;
    esac
    dev[$d]=$REPLY
    log "$d: $REPLY"
  done
}

# rotate ROUND: the variants in the order of that round (round r starts with variant r-1), into
# the array order, so that no variant always runs first or last.
rotate() {
  local r=$(((${1} - 1) % ${#variants[@]}))
  order=("${variants[@]:r}" "${variants[@]:0:r}")
}

register_mount() { _mounts+=("$1"); }

# Removes one of our own loop devices / mounts now, and forgets it: a device number freed here may
# soon belong to someone else, whom the exit trap must not touch.
remove_mount() {
  local m=$1 i
  umount "$m"
  for i in "${!_mounts[@]}"; do
    if [[ ${_mounts[i]} == "$m" ]]; then unset '_mounts[i]'; fi
  done
  _mounts=("${_mounts[@]}")
}

remove_loop() {
  local dev=$1 i file
  file="$(losetup -n -O BACK-FILE "$dev")"
  losetup -d "$dev"
  for i in "${!_loops[@]}"; do
    if [[ ${_loops[i]} == "$dev" ]]; then unset '_loops[i]'; fi
  done
  _loops=("${_loops[@]}")
  case $file in "$BENCH_SHM"/*) rm -f "$file" ;; esac
}

# start_ioguard LOGPREFIX [JAR]: starts the exporter, waits for its first successful scrape.
# Sets IOGUARD_PID and REPLY (milliseconds from start to that scrape).
start_ioguard() {
  local prefix=$1 jar=${2:-$IOGUARD_JAR} t0 t1
  shift $(($# < 2 ? $# : 2)) # the rest are ioguard's own flags
  [[ -f "$jar" ]] || die "$jar not found: build it (mvn -q -DskipTests package)"
  t0=$(date +%s%N)
  IOGUARD_JAR="$jar" "$REPO/bin/ioguard" --web.listen-address="127.0.0.1:$IOGUARD_PORT" "$@" \
    >"$prefix.out" 2>"$prefix.err" &
  IOGUARD_PID=$!
  _pids+=("$IOGUARD_PID")
  until curl -sf -o /dev/null "http://127.0.0.1:$IOGUARD_PORT/metrics"; do
    kill -0 "$IOGUARD_PID" 2>/dev/null || { tail -5 "$prefix.err" >&2; die "ioguard exited"; }
    (( $(date +%s%N) - t0 < 60000000000 )) || die "ioguard not scrapable after 60 s"
    sleep 0.01
  done
  t1=$(date +%s%N)
  REPLY=$(( (t1 - t0) / 1000000 ))
}

# run CMD...: runs a long command (fio) as a registered child and waits for it, so that an
# interrupt is acted on at once (bash defers traps while a foreground command runs) and the child
# is stopped by the exit trap too.
run() {
  local p rc=0
  "$@" &
  p=$!
  _pids+=("$p")
  wait "$p" || rc=$?
  forget_pid "$p"
  return "$rc"
}

forget_pid() {
  local i
  for i in "${!_pids[@]}"; do
    if [[ ${_pids[i]} == "$1" ]]; then unset '_pids[i]'; fi
  done
  _pids=("${_pids[@]}")
}

# stop_pid PID: SIGTERM, wait (up to 10 s), then SIGKILL; the pid is no longer ours afterwards.
stop_pid() {
  local pid=$1
  forget_pid "$pid"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# start_bpftrace LOGPREFIX: the peer (bench/peer.bt); waits until its probes are attached.
start_bpftrace() {
  local prefix=$1
  ensure_tracefs
  bpftrace "$BENCH_DIR/peer.bt" >"$prefix.out" 2>"$prefix.err" &
  PEER_PID=$!
  _pids+=("$PEER_PID")
  for _ in $(seq 600); do
    grep -q '^Attaching' "$prefix.out" 2>/dev/null && { sleep 0.2; return 0; }
    kill -0 "$PEER_PID" 2>/dev/null || { cat "$prefix.err" >&2; die "bpftrace exited"; }
    sleep 0.1
  done
  die "bpftrace did not attach within 60 s"
}

# start_floor LOGPREFIX OBJECT [PROGRAM...]: empty programs (bench/floor) via libbpf.
start_floor() {
  local prefix=$1 obj=$2
  shift 2
  python3 "$BENCH_DIR/lib/bpfload.py" "$obj" "$@" >"$prefix.out" 2>"$prefix.err" &
  FLOOR_PID=$!
  _pids+=("$FLOOR_PID")
  for _ in $(seq 300); do
    grep -q '^ready' "$prefix.out" 2>/dev/null && return 0
    kill -0 "$FLOOR_PID" 2>/dev/null || { cat "$prefix.err" >&2; die "bpfload exited"; }
    sleep 0.1
  done
  die "floor programs did not attach"
}

# Builds the floor objects (clang, libbpf headers) into $BENCH_TMP; sets FLOOR_OBJ_DIR.
build_floor() {
  local multiarch
  multiarch="$(clang -print-multiarch 2>/dev/null || gcc -dumpmachine)"
  FLOOR_OBJ_DIR="$BENCH_TMP/floor"
  mkdir -p "$FLOOR_OBJ_DIR"
  for src in "$BENCH_DIR"/floor/*.bpf.c; do
    clang -g -O2 -target bpf -Wall -Werror -I"/usr/include/$multiarch" \
      -c "$src" -o "$FLOOR_OBJ_DIR/$(basename "$src" .c).o"
  done
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# QEMU processes running (another user's kernel tests take both CPUs of a small machine).
qemu_count() { { pgrep -f '^qemu-system' || true; } | wc -l; }

# quiet_enough: waits until others use less than BUSY_MAX % of the CPUs (over 1 s, after a second
# for the previous run's stragglers), up to WAIT_MAX seconds; sets BUSY to the last measurement.
BUSY_MAX=${BUSY_MAX:-30} WAIT_MAX=${WAIT_MAX:-900}
quiet_enough() {
  local waited=0
  sleep 1
  while :; do
    BUSY=$(python3 "$BENCH_DIR/lib/benchlib.py" busy 1)
    awk -v b="$BUSY" -v m="$BUSY_MAX" 'BEGIN {exit !(b < m)}' && return 0
    ((waited < WAIT_MAX)) || { log "others keep ${BUSY}% busy: measuring anyway"; return 0; }
    ((waited % 60 == 0)) && log "others keep ${BUSY}% of the CPUs busy: waiting"
    sleep 5
    waited=$((waited + 6))
  done
}

# Records the load and who else is using the CPU before a measurement series.
note_load() {
  local what=$1
  python3 "$BENCH_DIR/lib/benchlib.py" record "$BENCH_OUT/load.jsonl" series="$what" \
    "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)" \
    "qemu_running=$(qemu_count)"
  log "$what: load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# wait_load MAX: waits (up to 10 min) until the 1-minute load average is below MAX.
wait_load() {
  local max=$1
  for _ in $(seq 120); do
    awk -v m="$max" '{exit !($1 < m)}' /proc/loadavg && return 0
    log "load $(load1) >= $max: waiting"
    sleep 5
  done
  log "load still $(load1) after 10 min: measuring anyway (noted in load.jsonl)"
}
