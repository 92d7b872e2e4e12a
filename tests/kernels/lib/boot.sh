#!/usr/bin/env bash
# Usage: boot.sh NAME KERNEL_DIR INITRAMFS ROOT_IMAGE PAYLOAD_IMAGE OUT_DIR TIME_LIMIT GUEST_ENV...
# Boots one kernel under QEMU with TCG (no KVM here) and waits for it to power off or for the time
# limit. Writes OUT_DIR/console.log (kernel log and test output), OUT_DIR/results.log (the guest's
# result lines, each prefixed with the host's seconds since QEMU started) and OUT_DIR/boot.txt.
# GUEST_ENV words (IOGUARD_...=value) go on the kernel command line, which hands them to /init.
set -euo pipefail
name=$1 kdir=$2 initrd=$3 root=$4 payload=$5 out=$6 limit=$7
shift 7
mkdir -p "$out"
raw="$out/serial1.raw"
: > "$raw"
: > "$out/results.log"

# One vCPU by default: with two, TCG on a busy 2-core host starves one vCPU's thread, and the
# guest's cross-CPU calls (installing the perf events of classic tracepoints) stall into soft
# lockups (measured: 6.1 generic stuck 44-104 s until the time limit). IOGUARD_QEMU_SMP=2 for more.
# The root image is opened with snapshot=on, so the tests' writes go to a temporary overlay and
# the cached image stays as built.
# TCG: this machine has a /dev/kvm, but KVM cannot run these guests (QEMU aborts setting an MSR
# with -cpu max). IOGUARD_QEMU_ACCEL=kvm tries it elsewhere.
start=$(date +%s.%N)
timeout -k 10 "$limit" qemu-system-x86_64 -accel "${IOGUARD_QEMU_ACCEL:-tcg,thread=multi}" -machine q35 -cpu max -smp "${IOGUARD_QEMU_SMP:-1}" -m 2048 \
  -kernel "$kdir/vmlinuz" -initrd "$initrd" \
  -append "console=ttyS0 panic=-1 $*" \
  -display none -monitor none -no-reboot -nic none \
  -serial "file:$out/console.log" -serial "file:$raw" \
  -drive "file=$root,if=none,id=root,format=raw,snapshot=on" -device nvme,drive=root,serial=ioguard-root \
  -drive "file=$payload,if=none,id=payload,format=raw,snapshot=on" -device nvme,drive=payload,serial=ioguard-payload \
  < /dev/null &
qemu=$!

elapsed() { awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }
while IFS= read -r line; do
  line=${line%$'\r'}
  [[ "$line" == "ioguard-guest "* ]] || continue
  t=$(elapsed)
  echo "$t ${line#ioguard-guest }" >> "$out/results.log"
  case "$line" in
    "ioguard-guest trace "*) ;;
    *) echo "ioguard kernels: [$name +${t}s] ${line#ioguard-guest }" ;;
  esac
done < <(tail -n +1 -F --pid="$qemu" "$raw" 2>/dev/null)
rc=0
wait "$qemu" || rc=$?
{
  echo "wall_seconds=$(elapsed)"
  echo "qemu_exit=$rc"
  [[ $rc == 124 || $rc == 137 ]] && echo "timed_out=$limit"
} > "$out/boot.txt"
exit 0
