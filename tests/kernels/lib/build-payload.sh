#!/usr/bin/env bash
# Usage: build-payload.sh IMAGE JAR CLASSPATH
# Builds the payload disk, mounted at /ioguard in the guest: the packaged exporter jar, the test
# classpath (directories and jars, as Maven resolved it for the tests), and guest/run-tests.sh.
# Made fresh for every run, as the jar and the tests change with every build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
image=$1
jar=$2
classpath=$3

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib" "$stage/guest"
cp "$jar" "$stage/ioguard.jar"
cp "$here/guest/run-tests.sh" "$here/guest/pid1.sh" "$stage/guest/"
guest_cp=()
n=0
IFS=: read -ra entries <<< "$classpath"
for entry in "${entries[@]}"; do
  [[ -e "$entry" ]] || continue
  n=$((n + 1))
  if [[ -d "$entry" ]]; then
    cp -r "$entry" "$stage/lib/$n-$(basename "$entry")"
  else
    cp "$entry" "$stage/lib/$n-$(basename "$entry")"
  fi
  guest_cp+=("/ioguard/lib/$n-$(basename "$entry")")
done
(IFS=:; echo "${guest_cp[*]}") > "$stage/classpath"
touch "$stage/.ioguard-payload"
size_mib=$(( $(du -sm "$stage" | cut -f1) * 5 / 4 + 16 ))
rm -f "$image"
truncate -s "${size_mib}M" "$image"
mkfs.ext4 -q -F -L ioguard-payload -d "$stage" "$image" >&2
echo "$image"
