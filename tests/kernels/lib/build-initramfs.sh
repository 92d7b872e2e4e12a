#!/usr/bin/env bash
# Usage: build-initramfs.sh KERNEL_DIR
# Builds KERNEL_DIR/initramfs.gz for a kernel unpacked by fetch-kernel.sh: a static busybox, the
# guest's /init (guest/init) and the modules the tests need with their dependencies, in load order
# (modprobe computes it from the unpacked tree; built-in modules are skipped). Rebuilt only when
# guest/init or this script changed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
release=$(cat "$dir/release")
out="$dir/initramfs.gz"
# nvme carries the guest's disks (built in on the cloud kernel); ext4 is their filesystem (a module
# on the generic kernel); loop, zram, xfs and overlay are what the tests make filesystems on.
modules=(nvme ext4 loop zram xfs overlay)

key=$(cat "$here/guest/init" "$0" | sha256sum | cut -c1-16)
if [[ -f "$out" && "$(cat "$dir/initramfs.key" 2>/dev/null)" == "$key" ]]; then
  echo "$out"
  exit 0
fi

busybox=$(command -v busybox) || { echo "ioguard kernels: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
{ ldd "$busybox" 2>&1 || true; } | grep -q 'not a dynamic executable' \
  || { echo "ioguard kernels: $busybox is not static (apt-get install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$stage/bin/busybox"
cp "$here/guest/init" "$stage/init"
chmod 755 "$stage/init"

# "insmod /path/x.ko" lines in dependency order; "builtin x" lines for what the kernel has built in.
: > "$stage/modules.load"
for m in "${modules[@]}"; do
  modprobe -d "$dir/root" -S "$release" --show-depends "$m" | while read -r kind path _; do
    [[ "$kind" == insmod ]] || continue
    rel=${path#"$dir/root"}
    if ! grep -qxF "$rel" "$stage/modules.load"; then
      mkdir -p "$stage$(dirname "$rel")"
      cp "$path" "$stage$rel"
      echo "$rel" >> "$stage/modules.load"
    fi
  done
done

(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$key" > "$dir/initramfs.key"
echo "$out"
