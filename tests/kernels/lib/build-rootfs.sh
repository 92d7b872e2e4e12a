#!/usr/bin/env bash
# Usage: build-rootfs.sh JAVA_HOME CACHE_DIR
# Builds the guest's root filesystem as an ext4 image, without root and without a mount: the JDK and
# the host's own copies of the programs the kernel tests run (with the shared libraries they link),
# a static busybox for the rest, and a few files under /etc. The same binaries as the tests on the
# host use, so the kernel is the only thing that differs. Prints the image's path; an image built
# from the same inputs is reused.
set -euo pipefail
java_home=$(readlink -f "$1")
cache=$2
here=$(cd "$(dirname "$0")/.." && pwd)

# What the tests run (testsupport: LoopDevice, Mount, Fio, Command; xfs_io for shutdowns), what
# the guest scripts use, and bpftool to look at the guest kernel by hand.
programs=(fio mkfs.ext4 mke2fs tune2fs dumpe2fs mkfs.xfs xfs_io xfs_admin losetup mount umount
  partx blkid findmnt dd sync truncate cat sh dash bash stat sleep ls env setpriv bpftool)
# Loaded at run time (dlopen), so not in any program's ldd list: libbpf through FFM.
libraries=(libbpf.so.1)

paths=()
for p in "${programs[@]}"; do
  path=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$p") \
    || { echo "ioguard kernels: the guest needs '$p', which is not installed here" >&2; exit 1; }
  paths+=("$(readlink -f "$path")" "$path")
done
for l in "${libraries[@]}"; do
  path=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ { print $NF; exit }')
  [[ -n "$path" ]] || { echo "ioguard kernels: the guest needs $l, which is not installed here" >&2; exit 1; }
  paths+=("$path")
done
# Shared libraries, transitively (ldd lists the whole closure); JDK libraries that need a desktop
# (libawt_xawt ...) list "not found" entries, which the headless tests never load.
deps() { ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $2 ~ /^\(/ { print $1 }'; }
mapfile -t jdk_libs < <(find "$java_home" -name '*.so' -type f)
mapfile -t libs < <(deps "${paths[@]}" "$java_home/bin/java" "${jdk_libs[@]}" | sort -u)
paths+=("${libs[@]}")

key=$( { cat "$0"; echo "$java_home"; cat "$java_home/release";
         for p in "${paths[@]}" "$(command -v busybox)"; do stat -L -c '%n %s %Y' "$p"; done; } \
       | sha256sum | cut -c1-16)
image="$cache/rootfs-$key.img"
if [[ -f "$image" ]]; then
  echo "$image"
  exit 0
fi
echo "ioguard kernels: building the guest root image ($image)" >&2

stage=$(mktemp -d "$cache/rootfs-stage.XXXXXX")
trap 'rm -rf "$stage" "$stage.img"' EXIT
# Debian 12's merged /usr.
mkdir -p "$stage"/usr/{bin,sbin,lib,lib64} "$stage"/{etc,proc,sys,dev,run,tmp,var/tmp,root,ioguard,opt/busybox}
ln -s usr/bin "$stage/bin"; ln -s usr/sbin "$stage/sbin"; ln -s usr/lib "$stage/lib"; ln -s usr/lib64 "$stage/lib64"
chmod 1777 "$stage/tmp" "$stage/var/tmp"

# Copies a path as the host has it: every symbolic link on the way, then the file.
copy() {
  local path=$1 dir
  while :; do
    dir=$(readlink -f "$(dirname "$path")")
    path="$dir/$(basename "$path")"
    [[ -e "$stage$path" || -L "$stage$path" ]] && return 0
    mkdir -p "$stage$dir"
    if [[ -L "$path" ]]; then
      cp -P "$path" "$stage$path"
      local target
      target=$(readlink "$path")
      [[ "$target" == /* ]] && path=$target || path="$dir/$target"
    else
      cp -p "$path" "$stage$path"
      return 0
    fi
  done
}
for p in "${paths[@]}"; do copy "$p"; done

# The JDK at the same path as on the host, without what only compilers and people read.
mkdir -p "$stage$(dirname "$java_home")"
tar -C "$(dirname "$java_home")" -cf - --exclude=lib/src.zip --exclude=man --exclude=include \
    --exclude=jmods --exclude=demo "$(basename "$java_home")" | tar -C "$stage$(dirname "$java_home")" -xf -
ln -s "$java_home/bin/java" "$stage/usr/bin/java"

# busybox for anything else a shell script may call (after the host's programs on the PATH).
cp "$(command -v busybox)" "$stage/opt/busybox/busybox"
for applet in $("$stage/opt/busybox/busybox" --list); do
  [[ "$applet" == busybox ]] || ln -s busybox "$stage/opt/busybox/$applet"
done
[[ -e "$stage/usr/bin/sh" ]] || ln -s dash "$stage/usr/bin/sh"

cat > "$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$stage/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
printf '127.0.0.1\tlocalhost ioguard-guest\n::1\tlocalhost\n' > "$stage/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$stage/etc/nsswitch.conf"
[[ -f /etc/mke2fs.conf ]] && cp /etc/mke2fs.conf "$stage/etc/"
echo /usr/lib/x86_64-linux-gnu > "$stage/etc/ld.so.conf"
ldconfig -r "$stage"
touch "$stage/.ioguard-root"

# Room for the tests' loop device backing files and mounts (the file is sparse).
size_mib=$(( $(du -sm "$stage" | cut -f1) + 1024 ))
truncate -s "${size_mib}M" "$stage.img"
mkfs.ext4 -q -F -L ioguard-root -d "$stage" "$stage.img" >&2
mv "$stage.img" "$image"
# Older images of other inputs are of no further use.
find "$cache" -maxdepth 1 -name 'rootfs-*.img' ! -path "$image" -delete
echo "$image"
