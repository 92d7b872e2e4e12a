#!/usr/bin/env bash
# The exporter's own footprint, run as users run it (bin/ioguard, its bounded JVM flags):
#   start      time from starting the process to its first successful scrape (STARTS [5] times)
#   idle       resident memory (VmRSS) and CPU (utime+stime from /proc/<pid>/stat) over WINDOW [60] s
#              without IO, scraped every 15 s as Prometheus would
#   load       the same under fio 4 KiB random reads at RATE_IOPS [100000] IOPS on a loop device
#   scrape32   32 loop devices over /dev/shm files, a little IO on each, then the duration of
#              SCRAPES [20] scrapes (text format, and protobuf as Prometheus negotiates it)
# CPU time of the BPF programs is charged to the threads doing IO, not to the exporter: see
# bpfcost.sh for that. Raw results: footprint.jsonl.
source "$(dirname "$0")/lib/common.sh"
need_root
need_tools fio curl losetup python3

STARTS=${STARTS:-5} WINDOW=${WINDOW:-60} RATE_IOPS=${RATE_IOPS:-100000} SCRAPES=${SCRAPES:-20}
DEVICES32=${DEVICES32:-32}
OUT="$BENCH_OUT/footprint.jsonl"
mkdir -p "$BENCH_OUT/footprint"
URL="http://127.0.0.1:$IOGUARD_PORT/metrics"
PROTOBUF='application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'
TCK=$(getconf CLK_TCK)
rec() { python3 "$BENCH_DIR/lib/benchlib.py" record "$OUT" "$@"; }

note_load footprint

# 1. Start to first successful scrape.
for ((i = 1; i <= STARTS; i++)); do
  sleep 1
  start_ioguard "$BENCH_OUT/footprint/start-$i"
  rec phase=start run="$i" first_scrape_ms="$REPLY" "load1=$(load1)"
  log "start $i: first successful scrape after $REPLY ms"
  stop_pid "$IOGUARD_PID"
done

# Samples RSS every second and CPU over the window while scraping every 15 s; records the phase.
sample_window() {
  local phase=$1 pid=$2 t0 t1 c0 c1 rss max_rss=0 s ticks
  shift 2
  read -r c0 rss < <(python3 "$BENCH_DIR/lib/benchlib.py" proc "$pid")
  t0=$(date +%s%N)
  for ((s = 0; s < WINDOW; s++)); do
    ((s % 15 == 0)) && curl -sf -o /dev/null "$URL"
    read -r ticks rss < <(python3 "$BENCH_DIR/lib/benchlib.py" proc "$pid")
    ((rss > max_rss)) && max_rss=$rss
    sleep 1
  done
  read -r c1 rss < <(python3 "$BENCH_DIR/lib/benchlib.py" proc "$pid")
  t1=$(date +%s%N)
  local cpu_pct
  cpu_pct=$(awk -v c="$((c1 - c0))" -v t="$TCK" -v ns="$((t1 - t0))" 'BEGIN {printf "%.3f", 100 * c / t / (ns / 1e9)}')
  rec phase="$phase" window_s="$WINDOW" cpu_pct_of_one_core="$cpu_pct" cpu_ticks="$((c1 - c0))" \
    rss_end_mib="$((rss / 1024))" rss_max_mib="$((max_rss / 1024))" "load1=$(load1)" "$@"
  log "$phase: CPU ${cpu_pct}% of one core, RSS $((max_rss / 1024)) MiB max"
}

# 2. Idle, then 3. under load, in one process as a node agent lives.
make_loop 1024
loopdev=$REPLY
start_ioguard "$BENCH_OUT/footprint/agent"
agent=$IOGUARD_PID
sleep 10 # past start-up (JIT, first mount table read)
sample_window idle "$agent"
fio --name=bench --filename="$loopdev" --direct=1 --ioengine=libaio --rw=randread --bs=4k \
  --iodepth=32 --rate_iops="$RATE_IOPS" --runtime=$((WINDOW + 10)) --time_based --norandommap \
  --randrepeat=0 --output-format=json --output="$BENCH_OUT/footprint/load.fio.json" >/dev/null &
fio_pid=$!
_pids+=("$fio_pid")
sleep 5
sample_window load "$agent" "iops_target=$RATE_IOPS"
wait "$fio_pid" || true
forget_pid "$fio_pid"
read -r iops _ < <(python3 "$BENCH_DIR/lib/benchlib.py" fio "$BENCH_OUT/footprint/load.fio.json")
rec phase=load_fio iops="$iops"
log "load: fio achieved $iops IOPS"

# 4. Scrape duration with 32 active devices.
names=()
for ((i = 0; i < DEVICES32; i++)); do
  make_loop 16
  names+=("${REPLY#/dev/}")
  dd if="$REPLY" of=/dev/null bs=4k count=256 iflag=direct status=none
  dd if=/dev/urandom of="$REPLY" bs=4k count=64 oflag=direct status=none
done
sleep 2
body="$BENCH_OUT/footprint/scrape32.txt"
first=$(curl -sf -o "$body" -w '%{time_total}' "$URL")
seen=$(grep '^system_disk_operations_total' "$body" | grep -oE 'system_device="loop[0-9]+"' | sort -u |
  grep -cFf <(printf 'system_device="%s"\n' "${names[@]}") || true)
rec phase=scrape32_first seconds="$first" devices_seen="$seen" bytes="$(wc -c <"$body")" \
  series="$(grep -vc '^#' "$body")"
log "scrape32: first scrape ${first}s, $seen of $DEVICES32 new devices present, $(wc -c <"$body") bytes"
((seen == DEVICES32)) || die "only $seen of the $DEVICES32 devices are on /metrics"
for ((i = 1; i <= SCRAPES; i++)); do
  t=$(curl -sf -o /dev/null -w '%{time_total}' "$URL")
  rec phase=scrape32 format=text run="$i" seconds="$t"
done
for ((i = 1; i <= SCRAPES; i++)); do
  t=$(curl -sf -o /dev/null -H "Accept: $PROTOBUF" -w '%{time_total}' "$URL")
  rec phase=scrape32 format=protobuf run="$i" seconds="$t"
done
read -r _ rss < <(python3 "$BENCH_DIR/lib/benchlib.py" proc "$agent")
rec phase=scrape32_rss rss_mib="$((rss / 1024))"
python3 - "$OUT" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for fmt in ("text", "protobuf"):
    t = sorted(r["seconds"] * 1000 for r in rows if r.get("phase") == "scrape32" and r["format"] == fmt)
    print(f"scrape32 {fmt}: median {statistics.median(t):.1f} ms, max {t[-1]:.1f} ms over {len(t)}")
EOF
stop_pid "$agent"
note_load footprint-end
