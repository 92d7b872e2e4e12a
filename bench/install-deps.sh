#!/usr/bin/env bash
# What the benchmarks need on Debian 12, as root: ioguard's own build and run dependencies, the JDK,
# and bpftrace (the peer), curl and python3 (scripts/install-deps.sh --bench).
set -euo pipefail
exec "$(dirname "$0")/../scripts/install-deps.sh" --bench
