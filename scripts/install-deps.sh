#!/usr/bin/env bash
# Installs what ioguard needs to build, run and test on Debian 12, as root. Idempotent: packages
# already present are not fetched again. Prints one line per step.
set -euo pipefail

need=(clang llvm libbpf-dev libbpf1 bpftool maven e2fsprogs xfsprogs util-linux fio)
# --image: what scripts/build-image.sh needs (umoci writes the OCI image; readelf finds the shared
# libraries the image needs). --test: that, and what the tests need, including a container
# runtime to run the image (podman with runc: crun fails on this machine's hybrid cgroups).
case "${1:-}" in
  --image) need+=(umoci binutils) ;;
  # --bench: what bench/ needs besides the build (bpftrace is the peer it compares with).
  --bench) need+=(bpftrace curl python3) ;;
  --test) need+=(prometheus gcc bpftrace umoci binutils podman runc skopeo jq
    # The kernel matrix (tests/kernels): boots Debian's other kernels under QEMU.
    qemu-system-x86 busybox-static cpio kmod) ;;
esac

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "ioguard: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "ioguard: Debian packages present"
fi

# The JDK: Temurin 25 (Java 22+ for the Foreign Function & Memory API). Debian 12 ships only 17.
if [[ -z "$("$(dirname "$0")/find-jdk.sh" 2>/dev/null)" ]]; then
  echo "ioguard: no JDK 22+ found; install Temurin 25 (https://adoptium.net) under /usr/lib/jvm" >&2
  exit 1
fi
