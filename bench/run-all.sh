#!/usr/bin/env bash
# Every benchmark, one after the other, into one results directory, then the tables
# (bench/RESULTS.md explains them). As root on a machine with nothing else running, if possible:
#   bench/install-deps.sh && (cd .. && mvn -q -DskipTests package) && bench/run-all.sh
# Takes about an hour with the defaults; each script's header lists its knobs (ROUNDS, RUNTIME...).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export BENCH_OUT="${BENCH_OUT:-$here/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$BENCH_OUT"
"$here/machine.sh" >"$BENCH_OUT/machine.txt"
"$here/overhead.sh"
"$here/bpfcost.sh"
"$here/footprint.sh"
"$here/eventlat.sh"
python3 "$here/lib/summarize.py" "$BENCH_OUT" | tee "$BENCH_OUT/summary.md"
