#!/usr/bin/env bash
# Overhead per IO: fio 4 KiB random reads and writes, iodepth 1 and 32, on a loop device over a
# file in /dev/shm (blk-mq) and on a zram device (bio-based), with nothing attached, with ioguard,
# and with the bpftrace peer (bench/peer.bt), interleaved: in every round each workload runs once
# under each variant, and the variants' order rotates from round to round.
#
# Environment (defaults in brackets):
#   ROUNDS [5]  RUNTIME [8] seconds per run, after RAMP [1]
#   VARIANTS ["none ioguard bpftrace"]; also: floor (empty programs on ioguard's hooks),
#            ioguard_alt (the jar in IOGUARD_ALT_JAR, e.g. an earlier build, for before/after),
#            ioguard_classic (ioguard with --block.tracepoints=classic, the no-BTF fallback)
#   DEVICES ["loop zram"]   WORKLOADS ["randread:1 randread:32 randwrite:1 randwrite:32"]
#   BUSY_MAX [30] % of all CPUs busy (others' load) above which a run waits, up to WAIT_MAX [900] s
#   FIO_CPUS [0] CPUs fio may run on (--cpus_allowed); empty for any
#   BENCH_OUT [bench/results/<time>]: raw results go to overhead.jsonl there
source "$(dirname "$0")/lib/common.sh"
need_root
need_tools fio bpftrace curl losetup python3 clang

ROUNDS=${ROUNDS:-5} RUNTIME=${RUNTIME:-8} RAMP=${RAMP:-1}
read -r -a variants <<<"${VARIANTS:-none ioguard bpftrace}"
read -r -a devices <<<"${DEVICES:-loop zram}"
read -r -a workloads <<<"${WORKLOADS:-randread:1 randread:32 randwrite:1 randwrite:32}"
SIZE_MIB=${SIZE_MIB:-1024}
# fio runs on these CPUs (the loop device's worker then mostly on the others): a steadier pipeline
# on a small machine than wherever the scheduler puts them. Empty: anywhere.
FIO_CPUS=${FIO_CPUS-0}
mkdir -p "$BENCH_OUT/fio"

declare -A dev
make_devices "${devices[@]}"
for v in "${variants[@]}"; do
  case $v in
    floor) build_floor ;;
    ioguard_alt) [[ -f ${IOGUARD_ALT_JAR:-} ]] || die "ioguard_alt needs IOGUARD_ALT_JAR" ;;
  esac
done

start_variant() {
  local v=$1 prefix=$2
  START_MS=0 VPID=
  case $v in
    none) ;;
    ioguard) start_ioguard "$prefix"; START_MS=$REPLY VPID=$IOGUARD_PID ;;
    ioguard_alt) start_ioguard "$prefix" "$IOGUARD_ALT_JAR"; START_MS=$REPLY VPID=$IOGUARD_PID ;;
    ioguard_classic) start_ioguard "$prefix" "$IOGUARD_JAR" --block.tracepoints=classic; START_MS=$REPLY VPID=$IOGUARD_PID ;;
    bpftrace) start_bpftrace "$prefix"; VPID=$PEER_PID ;;
    floor) start_floor "$prefix" "$FLOOR_OBJ_DIR/empty.bpf.o"; VPID=$FLOOR_PID ;;
    *) die "unknown variant $v" ;;
  esac
}

note_load overhead
log "overhead: ${#variants[@]} variants x ${#devices[@]} devices x ${#workloads[@]} workloads x $ROUNDS rounds, ${RUNTIME}s each"
for ((round = 1; round <= ROUNDS; round++)); do
  rotate "$round"
  for d in "${devices[@]}"; do
    for w in "${workloads[@]}"; do
      rw=${w%%:*} qd=${w##*:}
      for v in "${order[@]}"; do
        quiet_enough
        tag="$d-$rw-qd$qd-$v-r$round"
        start_variant "$v" "$BENCH_OUT/fio/$tag"
        run fio --name=bench --filename="${dev[$d]}" --direct=1 --ioengine=libaio --rw="$rw" --bs=4k \
          --iodepth="$qd" --runtime="$RUNTIME" --ramp_time="$RAMP" --time_based --norandommap \
          --randrepeat=0 --lat_percentiles=1 ${FIO_CPUS:+--cpus_allowed="$FIO_CPUS"} \
          --output-format=json --output="$BENCH_OUT/fio/$tag.json" >/dev/null
        [[ -n $VPID ]] && stop_pid "$VPID"
        read -r iops p99 < <(python3 "$BENCH_DIR/lib/benchlib.py" fio-record "$BENCH_OUT/overhead.jsonl" \
          "$BENCH_OUT/fio/$tag.json" device="$d" rw="$rw" qd="$qd" variant="$v" round="$round" \
          busy_before_pct="$BUSY" "load1=$(load1)" start_ms="$START_MS" \
          qemu_after="$(qemu_count)")
        log "$tag: $iops IOPS, p99 $p99 us (others ${BUSY}% busy before)"
      done
    done
  done
done
note_load overhead-end
