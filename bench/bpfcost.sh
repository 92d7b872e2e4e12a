#!/usr/bin/env bash
# In-kernel cost per block request, from the kernel's own BPF run statistics
# (kernel.bpf_stats_enabled=1 for the run; the previous value is restored at exit, also on failure).
# fio 4 KiB random IO at iodepth 32 on a loop device over /dev/shm (blk-mq) and on zram (bio-based),
# interleaved over rounds, with:
#   ioguard      its programs' run_time_ns / run_cnt (read from the process's BPF fds' fdinfo)
#   ioguard_alt  the same for the jar in IOGUARD_ALT_JAR (optional: for before/after)
#   ioguard_classic  ioguard with --block.tracepoints=classic (the no-BTF fallback)
#   floor        empty programs on the same hooks: what this kernel charges for a run at all
#   bpftrace     the peer (bench/peer.bt): its programs only; a classic tracepoint also costs the
#                perf buffer it fills before the program runs, which bpf_stats does not see
#   ops          one operation per program on block_rq_issue (bench/floor/ops.bpf.c): ktime, a hash
#                lookup, a hash insert+delete, an LRU lookup+write, an atomic add
# Per request = the sum over programs of run_time_ns, divided by the requests the device completed
# (/proc/diskstats), so that a program that runs twice per request counts twice.
#
# Environment: ROUNDS [3], RUNTIME [8], VARIANTS ["ioguard floor ops"], DEVICES ["loop zram"],
# WORKLOADS ["randread:32"], BENCH_OUT. Raw results: bpfcost.jsonl.
source "$(dirname "$0")/lib/common.sh"
need_root
need_tools fio curl losetup python3 clang bpftool bpftrace

ROUNDS=${ROUNDS:-3} RUNTIME=${RUNTIME:-8}
read -r -a variants <<<"${VARIANTS:-ioguard floor ops}"
read -r -a devices <<<"${DEVICES:-loop zram}"
read -r -a workloads <<<"${WORKLOADS:-randread:32}"
SIZE_MIB=${SIZE_MIB:-1024}
mkdir -p "$BENCH_OUT/bpfcost"
build_floor

declare -A dev
make_devices "${devices[@]}"

# Completed IOs of a device (reads + writes + discards + flushes), from /proc/diskstats.
ios_done() {
  awk -v n="${1#/dev/}" '$3 == n {print $4 + $8 + ($15 == "" ? 0 : $15) + ($19 == "" ? 0 : $19)}' /proc/diskstats
}

set_sysctl kernel.bpf_stats_enabled 1
note_load bpfcost
for ((round = 1; round <= ROUNDS; round++)); do
  rotate "$round"
  for d in "${devices[@]}"; do
    for w in "${workloads[@]}"; do
      rw=${w%%:*} qd=${w##*:}
      for v in "${order[@]}"; do
        # The ops programs sit on block_rq_issue, which bio-based devices never reach.
        [[ $v == ops && $d != loop ]] && continue
        quiet_enough
        tag="$d-$rw-qd$qd-$v-r$round"
        prefix="$BENCH_OUT/bpfcost/$tag"
        case $v in
          ioguard) start_ioguard "$prefix"; pid=$IOGUARD_PID ;;
          ioguard_alt) start_ioguard "$prefix" "$IOGUARD_ALT_JAR"; pid=$IOGUARD_PID ;;
          ioguard_classic) start_ioguard "$prefix" "$IOGUARD_JAR" --block.tracepoints=classic; pid=$IOGUARD_PID ;;
          floor) start_floor "$prefix" "$FLOOR_OBJ_DIR/empty.bpf.o"; pid=$FLOOR_PID ;;
          bpftrace) start_bpftrace "$prefix"; pid=$PEER_PID ;;
          ops) start_floor "$prefix" "$FLOOR_OBJ_DIR/ops.bpf.o"; pid=$FLOOR_PID ;;
          *) die "unknown variant $v" ;;
        esac
        python3 "$BENCH_DIR/lib/benchlib.py" progs "$pid" >"$prefix.before.json"
        n0=$(ios_done "${dev[$d]}")
        run fio --name=bench --filename="${dev[$d]}" --direct=1 --ioengine=libaio --rw="$rw" --bs=4k \
          --iodepth="$qd" --runtime="$RUNTIME" --time_based --norandommap --randrepeat=0 \
          --output-format=json --output="$prefix.fio.json" >/dev/null
        n1=$(ios_done "${dev[$d]}")
        python3 "$BENCH_DIR/lib/benchlib.py" progs "$pid" >"$prefix.after.json"
        stop_pid "$pid"
        python3 - "$prefix" "$BENCH_OUT/bpfcost.jsonl" "$d" "$rw" "$qd" "$v" "$round" "$((n1 - n0))" "$(load1)" <<'EOF'
import json, sys
prefix, out, device, rw, qd, variant, rnd, requests, load1 = sys.argv[1:]
a = json.load(open(prefix + ".before.json"))
b = json.load(open(prefix + ".after.json"))
requests = int(requests)
rows = []
for pid_, after in b.items():
    before = a.get(pid_, {"run_time_ns": 0, "run_cnt": 0, "recursion_misses": 0})
    runs = after["run_cnt"] - before["run_cnt"]
    ns = after["run_time_ns"] - before["run_time_ns"]
    if runs == 0:
        continue
    rows.append({"program": after["name"], "runs": runs, "ns": ns, "ns_per_run": round(ns / runs, 1),
                 "runs_per_request": round(runs / requests, 3) if requests else None,
                 "misses": after["recursion_misses"] - before["recursion_misses"]})
total = sum(r["ns"] for r in rows)
rec = {"device": device, "rw": rw, "qd": int(qd), "variant": variant, "round": int(rnd),
       "requests": requests, "load1": float(load1), "programs": rows,
       "ns_per_request": round(total / requests, 1) if requests else None}
with open(out, "a") as f:
    f.write(json.dumps(rec, sort_keys=True) + "\n")
print(f"{variant}: {rec['ns_per_request']} ns per request over {requests} requests; " +
      ", ".join(f"{r['program']} {r['ns_per_run']}" for r in rows))
EOF
      done
    done
  done
done
note_load bpfcost-end
