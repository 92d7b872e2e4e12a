#!/bin/sh
# PID 1 of a test guest after switch_root (guest/init): runs the tests (run-tests.sh), reports the
# end on the results port (/dev/ttyS1), and powers off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/busybox
result() { echo "ioguard-guest $*" > /dev/ttyS1; }
result "start $(cut -d' ' -f1 /proc/uptime)"
/bin/sh /ioguard/guest/run-tests.sh
rc=$?
result "done $(cut -d' ' -f1 /proc/uptime)"
result "end rc=$rc"
sync
/opt/busybox/poweroff -f
