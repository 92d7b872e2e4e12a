#!/usr/bin/env bash
# What the benchmarks need on Debian 12, as root: ioguard's own build and run dependencies
# (scripts/install-deps.sh: clang, libbpf, bpftool, fio, e2fsprogs, Maven...), and bpftrace (the
# peer), curl and python3. A JDK 22+ must be installed as for ioguard itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../scripts/install-deps.sh"
need=(bpftrace curl python3 fio e2fsprogs util-linux clang libbpf-dev bpftool)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bench: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "bench: Debian packages present"
fi
