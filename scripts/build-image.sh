#!/usr/bin/env bash
# Builds the ioguard container image as an OCI archive (podman load, skopeo copy, ctr import), as
# root on Debian 12, from Debian packages (apt-get download) and a jlink'ed Temurin runtime: no
# Docker daemon, no registry, no base image. See deploy/IMAGE.md.
#
#   scripts/build-image.sh [--jar FILE] [--out FILE]
#
# Without --jar the exporter jar is built first (mvn package). The archive goes to --out, by default
# exporter/target/image/ioguard-VERSION.oci.tar. Two layers: the base (glibc, libbpf and their
# libraries, the Java runtime) and the application (the jar), so that a new version pushes and
# pulls only the jar. Downloaded packages and the Java runtime are cached under
# exporter/target/image-cache (IOGUARD_IMAGE_CACHE); mtimes are the last commit's time
# (SOURCE_DATE_EPOCH), so the same inputs give the same layers.
#
# Labels: org.opencontainers.image.version (from the jar), .revision (git HEAD, "-dirty" with
# uncommitted changes; IOGUARD_IMAGE_REVISION overrides), .source (IOGUARD_IMAGE_SOURCE, else the
# git remote "origin", else the checkout as a file:// URL), .created, .title, .description.
set -euo pipefail
umask 022

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar=""
out=""
while (($#)); do
  case "$1" in
    --jar) jar="${2:?--jar needs a file}"; shift 2 ;;
    --jar=*) jar="${1#--jar=}"; shift ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "build-image: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "build-image: $*" >&2; exit 1; }
say() { echo "build-image: $*" >&2; }

# --- tools --------------------------------------------------------------------------------------
[[ $(id -u) == 0 ]] || fail "run as root (apt-get download, and layer files owned by uid 0)"
for tool in umoci readelf apt-get apt-cache dpkg-deb git tar; do
  command -v "$tool" >/dev/null || fail "$tool not found; run scripts/install-deps.sh --image"
done
JAVA_HOME="$("$here/find-jdk.sh")" || fail "no JDK 22+ found (set JAVA_HOME)"
for tool in jlink jdeps; do
  [[ -x "$JAVA_HOME/bin/$tool" ]] || fail "$JAVA_HOME/bin/$tool not found: a full JDK is needed"
done
jdk_release="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$JAVA_HOME/release")"
jdk_feature="${jdk_release%%.*}"
jdk_name="$(sed -n 's/^IMPLEMENTOR_VERSION="\(.*\)"$/\1/p' "$JAVA_HOME/release")"

# --- the jar and what the image says about it ---------------------------------------------------
if [[ -z "$jar" ]]; then
  say "building the exporter jar (mvn package)"
  (cd "$root" && JAVA_HOME="$JAVA_HOME" mvn -q -B -DskipTests package) >&2
  jar="$root/exporter/target/ioguard.jar"
fi
[[ -f "$jar" ]] || fail "jar $jar not found"
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
version="$("$JAVA_HOME/bin/java" -jar "$jar" --version | sed -n 's/^ioguard //p')"
[[ "$version" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || fail "the jar reports no usable version ('$version')"
revision="${IOGUARD_IMAGE_REVISION:-$(git -C "$root" rev-parse HEAD)}"
if [[ -z "${IOGUARD_IMAGE_REVISION:-}" && -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]]; then
  revision="$revision-dirty"
fi
source_url="${IOGUARD_IMAGE_SOURCE:-$(git -C "$root" config --get remote.origin.url || true)}"
if [[ -z "$source_url" ]]; then
  source_url="file://$root"
  say "no git remote 'origin': labelling the source as $source_url (set IOGUARD_IMAGE_SOURCE for a published image)"
fi
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
image_ref="ioguard:$version"
out="${out:-$root/exporter/target/image/ioguard-$version.oci.tar}"

cache="${IOGUARD_IMAGE_CACHE:-$root/exporter/target/image-cache}"
mkdir -p "$cache/debs" "$(dirname "$out")"
cache="$(cd "$cache" && pwd)"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
work="$(mktemp -d "$cache/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- Debian packages: the C libraries the runtime and libbpf load -------------------------------
# gcc-12-base only for its copyright file (libgcc-s1's documentation points to it).
packages=(libc6 libgcc-s1 gcc-12-base libbpf1 libelf1 zlib1g)
deb_file() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Filename: .*\///p' | head -1; }
if [[ -z "$(deb_file libbpf1)" ]]; then
  say "apt has no package lists; apt-get update"
  apt-get update -qq
fi
debs=()
for p in "${packages[@]}"; do
  f="$(deb_file "$p")"
  [[ -n "$f" ]] || fail "apt knows no package $p"
  if [[ ! -f "$cache/debs/$f" ]]; then
    v="$(apt-cache show --no-all-versions "$p" | sed -n 's/^Version: //p' | head -1)"
    say "downloading $p $v"
    mkdir -p "$work/download"
    (cd "$work/download" && apt-get download -qq -o APT::Sandbox::User=root "$p=$v")
    mv "$work/download"/*.deb "$cache/debs/$f"
  fi
  debs+=("$f")
done
mkdir -p "$work/debroot"
for f in "${debs[@]}"; do dpkg-deb -x "$cache/debs/$f" "$work/debroot"; done

# --- the Java runtime: only the modules the jar uses (jdeps), cached by JDK and module list -----
modules="$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release "$jdk_feature" "$jar")"
[[ "$modules" =~ ^[a-z.,]+$ ]] || fail "jdeps gave no module list: '$modules'"
# No --compress: the layer is gzipped anyway, and an uncompressed jimage gzips smaller (19 vs 23 MB).
jlink_flags=(--strip-debug --no-man-pages --no-header-files)
runtime_key="$( { cat "$JAVA_HOME/release"; echo "$modules"; echo "${jlink_flags[*]}"; } | sha256sum | cut -c1-16)"
runtime="$cache/runtime-$runtime_key"
if [[ ! -d "$runtime" ]]; then
  say "jlink: $jdk_name with $modules"
  rm -rf "$cache"/runtime-*
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" "${jlink_flags[@]}" --output "$work/runtime" >/dev/null
  mv "$work/runtime" "$runtime"
fi

# --- base layer: libraries, runtime, a few files in /etc ----------------------------------------
base="$work/base"
libdir="$base/usr/lib/x86_64-linux-gnu"
mkdir -p "$libdir" "$base/usr/lib64" "$base/opt" "$base/etc" "$base/tmp" "$base/usr/share/ioguard"
chmod 1777 "$base/tmp"
# Debian 12 is merged-/usr: /lib and /lib64 are links, and the ELF interpreter is /lib64/ld-linux-x86-64.so.2.
ln -s usr/lib "$base/lib"
ln -s usr/lib64 "$base/lib64"
ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$base/usr/lib64/ld-linux-x86-64.so.2"
cp -a "$runtime" "$base/opt/java"

# The shared libraries needed, by name, from the extracted packages: libbpf.so.1 (opened by the
# exporter at run time), libgcc_s.so.1 (opened by glibc to unwind threads), and every DT_NEEDED of
# those and of the runtime's ELF files, transitively. The runtime's own libraries resolve inside it.
find_lib() {
  local d
  for d in "$work/debroot/lib/x86_64-linux-gnu" "$work/debroot/usr/lib/x86_64-linux-gnu"; do
    [[ -e "$d/$1" ]] && { echo "$d/$1"; return 0; }
  done
  return 1
}
runtime_libs=" $(find "$base/opt/java" -name '*.so' -printf '%f ') "
queue=(libbpf.so.1 libgcc_s.so.1 ld-linux-x86-64.so.2)
while IFS= read -r -d '' f; do
  if readelf -h "$f" >/dev/null 2>&1; then
    queue+=($(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'))
  fi
done < <(find "$base/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) -print0)
declare -A copied=()
while ((${#queue[@]})); do
  lib="${queue[0]}"
  queue=("${queue[@]:1}")
  [[ -n "${copied[$lib]:-}" || "$runtime_libs" == *" $lib "* ]] && continue
  src="$(find_lib "$lib")" || fail "no package here provides $lib"
  cp -L "$src" "$libdir/$lib"
  copied[$lib]=1
  queue+=($(readelf -d "$libdir/$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'))
done

for p in "${packages[@]}"; do
  if [[ -f "$work/debroot/usr/share/doc/$p/copyright" && ! -L "$work/debroot/usr/share/doc/$p" ]]; then
    mkdir -p "$base/usr/share/doc/$p"
    cp "$work/debroot/usr/share/doc/$p/copyright" "$base/usr/share/doc/$p/"
  fi
done
printf 'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n' >"$base/etc/passwd"
printf 'root:x:0:\n' >"$base/etc/group"
# glibc's default without this file asks DNS before /etc/hosts.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$base/etc/nsswitch.conf"
{
  echo "ioguard container image: base layer contents"
  echo
  echo "Debian 12 packages (libraries copied by name, with their copyright files in /usr/share/doc):"
  for f in "${debs[@]}"; do echo "  ${f%.deb}"; done
  echo "libraries: $(cd "$libdir" && ls | tr '\n' ' ')"
  echo
  echo "Java runtime: $jdk_name, jlink ${jlink_flags[*]}"
  echo "modules: $modules"
} >"$base/usr/share/ioguard/contents.txt"

# --- application layer --------------------------------------------------------------------------
app="$work/app"
mkdir -p "$app/opt/ioguard"
cp "$jar" "$app/opt/ioguard/ioguard.jar"
chmod 0644 "$app/opt/ioguard/ioguard.jar"

# --- the OCI image ------------------------------------------------------------------------------
# Layers are made by GNU tar, sorted and with fixed owners and mtimes (reproducible), and added
# verbatim: Debian's umoci 0.4.7 `insert` leaves out the end-of-archive blocks (umoci PR #534), which
# GNU tar, Python and image scanners reject.
layer() {
  (cd "$1" && tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -cf "$2" $(ls -A))
}
layer "$base" "$work/base.tar"
layer "$app" "$work/app.tar"
layout="$work/layout"
history=(--history.created "$created" --history.author "ioguard scripts/build-image.sh")
umoci init --layout "$layout"
umoci new --image "$layout:build"
umoci raw add-layer --image "$layout:build" "${history[@]}" \
  --history.created_by "base: Debian 12 ${packages[*]}; $jdk_name runtime ($modules)" "$work/base.tar"
umoci raw add-layer --image "$layout:build" "${history[@]}" \
  --history.created_by "application: /opt/ioguard/ioguard.jar $version" "$work/app.tar"
labels=(
  "org.opencontainers.image.title=ioguard"
  "org.opencontainers.image.description=eBPF kernel IO observability exporter: block latency and queues, filesystem errors and read-only remounts"
  "org.opencontainers.image.version=$version"
  "org.opencontainers.image.revision=$revision"
  "org.opencontainers.image.source=$source_url"
  "org.opencontainers.image.created=$created"
)
config=(--no-history --created "$created" --os linux --architecture amd64
  --config.user 0:0 --config.workingdir / --config.exposedports 9477/tcp
  --config.env PATH=/opt/java/bin:/usr/bin
  # As bin/ioguard runs it, and a JVM that runs out of memory exits (and is restarted) rather than
  # limping on.
  --config.entrypoint=/opt/java/bin/java --config.entrypoint=--enable-native-access=ALL-UNNAMED
  --config.entrypoint=-XX:+UseSerialGC --config.entrypoint=-Xss256k
  --config.entrypoint=-XX:TieredStopAtLevel=1 --config.entrypoint=-XX:CICompilerCount=1
  --config.entrypoint=-Xms8m --config.entrypoint=-Xmx48m
  --config.entrypoint=-XX:ReservedCodeCacheSize=16m --config.entrypoint=-XX:MaxMetaspaceSize=64m
  --config.entrypoint=-XX:MaxDirectMemorySize=16m --config.entrypoint=-XX:+ExitOnOutOfMemoryError
  --config.entrypoint=-jar --config.entrypoint=/opt/ioguard/ioguard.jar
  --config.cmd=--web.listen-address=:9477)
for l in "${labels[@]}"; do config+=(--config.label "$l" --manifest.annotation "$l"); done
umoci config --image "$layout:build" --tag "$image_ref" "${config[@]}"
umoci rm --image "$layout:build"
umoci gc --layout "$layout"

tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$out.tmp" .
mv "$out.tmp" "$out"

# --- what was built -----------------------------------------------------------------------------
manifest="$layout/blobs/sha256/$(sed -n 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$layout/index.json")"
compressed=0
for s in $(grep -o '"size":[0-9]*' "$manifest" | cut -d: -f2); do compressed=$((compressed + s)); done
compressed=$((compressed + $(stat -c %s "$manifest")))
unpacked=$(du -sb "$base" "$app" | awk '{n += $1} END {print n}')
say "$image_ref: $(awk -v b="$compressed" 'BEGIN {printf "%.1f", b / 1e6}') MB compressed," \
  "$(awk -v b="$unpacked" 'BEGIN {printf "%.1f", b / 1e6}') MB unpacked; revision $revision"
echo "$out"
