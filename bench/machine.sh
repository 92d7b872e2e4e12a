#!/usr/bin/env bash
# The machine a result was measured on: date, kernel, CPU, memory, clock source, load, and the
# BPF programs others have attached (they run on every IO too, in every variant).
set -uo pipefail
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "kernel: $(uname -r) ($(uname -v))"
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
echo "spectre_v2: $(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2 2>/dev/null) (retpolines make every indirect call, such as the one into a BPF program, dearer)"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fio: $(fio --version 2>/dev/null); bpftrace: $(bpftrace --version 2>/dev/null); java: $("$(dirname "$0")/../scripts/find-jdk.sh" 2>/dev/null)"
echo "kernel.bpf_stats_enabled: $(sysctl -n kernel.bpf_stats_enabled)"
echo
lscpu
echo
echo "BPF programs loaded by others before the run (id, type, name, runs so far):"
bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    print("  %s %s %s run_cnt=%s" % (p["id"], p["type"], p.get("name", ""), p.get("run_cnt", "-")))' || true
