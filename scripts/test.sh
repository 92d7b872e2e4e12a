#!/usr/bin/env bash
# One command for the whole test suite (root, Debian 12): install what is missing, build, run unit,
# kernel and end-to-end tests. Kernel tests need root and BPF; with CI=true a skip is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
JAVA_HOME="$(./scripts/find-jdk.sh)"
export JAVA_HOME
echo "ioguard: testing with $JAVA_HOME"
# The benchmarks (bench/) are not tests; their parsing is checked here, cheaply.
for f in bench/*.sh bench/lib/*.sh; do bash -n "$f"; done
python3 bench/lib/selftest.py
mvn -B -ntp verify
