#!/bin/sh
# Runs in the guest (pid1.sh), in the root image, with the payload at /ioguard: the kernel tests
# the harness selected (IOGUARD_GUEST_TESTS, from the kernel command line), with CI=true so that a
# test that cannot run here fails instead of skipping. Results go to /dev/ttyS1.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/busybox
export HOME=/root LANG=C.UTF-8 CI=true
# Every JVM here, the exporters the tests start included: under TCG, C2 compiles cost more than
# they save in a run of a few minutes, and one GC thread is enough.
export JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
cd /tmp || exit 1

# The kernel facts the CO-RE guards in bpf/core_fixes.bpf.h decide on, for the report.
note() { echo "ioguard-guest note $*" > /dev/ttyS1; }
btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null \
  | grep -oE "ENUM 'rqf_flags'|'rq_disk' type_id|TYPEDEF 'btf_trace_block_(io_done|rq_error)'|'BIO_ZONE_WRITE_(PLUGGING|LOCKED)'" | sort -u)
note "btf: $(echo "$btf" | tr '\n' ';' | sed 's/ type_id//g')"
note "module btf: $(ls /sys/kernel/btf | grep -v '^vmlinux$' | grep -xE 'ext4|xfs|loop|zram|nvme|jbd2' | tr '\n' ' ')"
exec java -Xmx384m --enable-native-access=ALL-UNNAMED -Dioguard.jar=/ioguard/ioguard.jar \
  -cp "$(cat /ioguard/classpath)" dev.ioguard.exporter.kernels.GuestTestRunner \
  --report /dev/ttyS1 "${IOGUARD_GUEST_TESTS:-tag:kernel-matrix}"
