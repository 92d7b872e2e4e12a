#!/usr/bin/env bash
# Event latency: from an ext4 failure (/sys/fs/ext4/<dev>/trigger_fs_error on a fresh, small ext4
# with errors=remount-ro on a loop device over /dev/shm) to ioguard's JSON event lines on stdout
# (filesystem.error, filesystem.remount.readonly), and to the first scrape showing
# ioguard_filesystem_readonly 1 (scraped every 10 ms). TRIGGERS [20] fresh filesystems, one at a
# time, each removed before the next. Raw results: eventlat.jsonl.
source "$(dirname "$0")/lib/common.sh"
need_root
need_tools curl losetup python3 mkfs.ext4

TRIGGERS=${TRIGGERS:-20}
OUT="$BENCH_OUT/eventlat.jsonl"
mkdir -p "$BENCH_OUT/eventlat"
URL="http://127.0.0.1:$IOGUARD_PORT/metrics"

note_load eventlat
start_ioguard "$BENCH_OUT/eventlat/ioguard"
for ((i = 1; i <= TRIGGERS; i++)); do
  make_loop 16
  dev=$REPLY name=${REPLY#/dev/}
  mkfs.ext4 -q -F "$dev"
  mnt="$BENCH_TMP/ext4-$i"
  mkdir -p "$mnt"
  mount -o errors=remount-ro "$dev" "$mnt"
  register_mount "$mnt"
  echo data >"$mnt/file" && sync -f "$mnt/file"
  python3 "$BENCH_DIR/lib/eventwait.py" ready "$URL" "$name" 10
  result=$(python3 "$BENCH_DIR/lib/eventwait.py" fault "$URL" "$name" "$BENCH_OUT/eventlat/ioguard.out" 5) ||
    log "trigger $i: no filesystem.error line within 5 s"
  echo "$result" | python3 -c 'import json,sys; r=json.load(sys.stdin); r["run"]=int(sys.argv[1]); r["load1"]=float(sys.argv[2]); print(json.dumps(r, sort_keys=True))' \
    "$i" "$(load1)" >>"$OUT"
  log "trigger $i ($name): $result"
  remove_mount "$mnt"
  remove_loop "$dev"
done
stop_pid "$IOGUARD_PID"
note_load eventlat-end
