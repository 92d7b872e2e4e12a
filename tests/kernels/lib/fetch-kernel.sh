#!/usr/bin/env bash
# Usage: fetch-kernel.sh PACKAGE_REGEX CACHE_DIR
# Finds the newest Debian kernel package whose name matches the regex, downloads it with apt (never
# installs it: the host's /boot is untouched), unpacks it under CACHE_DIR/kernels/<package>/ and runs
# depmod there. Prints that directory. A package already unpacked is not fetched again; without apt
# lists (offline) the newest cached match is used.
set -euo pipefail
regex=$1
cache=$2
mkdir -p "$cache/debs" "$cache/kernels"

newest() { grep -E "$regex" | sort -V | tail -n 1; }

package=$(apt-cache pkgnames linux-image- 2>/dev/null | newest || true)
if [[ -z "$package" ]]; then
  echo "ioguard kernels: apt knows no package matching $regex; running apt-get update" >&2
  apt-get update -qq >&2 || true
  package=$(apt-cache pkgnames linux-image- 2>/dev/null | newest || true)
fi
if [[ -z "$package" ]]; then
  package=$(ls "$cache/kernels" 2>/dev/null | newest || true)
  [[ -n "$package" ]] || { echo "ioguard kernels: no package matches $regex, in apt or in $cache" >&2; exit 1; }
  echo "ioguard kernels: apt has no match; using the cached $package" >&2
fi

dir="$cache/kernels/$package"
if [[ ! -f "$dir/.unpacked" ]]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  deb=$(ls "$cache/debs/${package}_"*.deb 2>/dev/null | tail -n 1 || true)
  if [[ -z "$deb" ]]; then
    echo "ioguard kernels: downloading $package" >&2
    # -o APT::Sandbox::User=root: the cache directory need not be readable by the _apt user.
    (cd "$cache/debs" && apt-get download -q -o APT::Sandbox::User=root "$package" >&2)
    deb=$(ls "$cache/debs/${package}_"*.deb | tail -n 1)
  fi
  dpkg-deb -x "$deb" "$dir/root"
  release=$(ls "$dir/root/lib/modules")
  depmod -b "$dir/root" "$release"
  ln -s "root/boot/vmlinuz-$release" "$dir/vmlinuz"
  echo "$release" > "$dir/release"
  touch "$dir/.unpacked"
fi
echo "$dir"
