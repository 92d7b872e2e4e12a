#!/usr/bin/env bash
# Runs ioguard's kernel tests on other kernels: Debian's kernels from kernels.list, fetched with apt,
# unpacked without installing, booted under QEMU (TCG), each running the tests tagged
# "kernel-matrix" (or --tests) inside. Reports pass/fail per kernel and per test; exit 0 only when
# every selected kernel booted and passed every test. Needs root (the tests make loop devices and
# mounts in the guest, and apt downloads into the cache).
#
# Usage: run.sh --jar JAR --classpath CP --out DIR [--tests SELECTION] [--time-limit SECONDS] [NAME...]
#   JAR        the packaged exporter (exporter/target/ioguard.jar)
#   CP         the test classpath, ':'-separated (test classes, classes, test dependencies)
#   DIR        where each kernel's console.log, results.log and boot.txt go (DIR/NAME/)
#   SELECTION  tag:NAME (default tag:kernel-matrix), or classes / Class#method, ','-separated
#   NAME       kernels from kernels.list (default: all)
# Downloads, unpacked kernels, initramfs and the root image are cached in IOGUARD_KERNEL_CACHE
# (default /var/cache/ioguard-kernels), so that a rerun only builds the small payload disk.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${IOGUARD_KERNEL_CACHE:-/var/cache/ioguard-kernels}
jar= classpath= out= tests=tag:kernel-matrix limit=330
names=()
while (($#)); do
  case "$1" in
    --jar) jar=$2; shift 2 ;;
    --classpath) classpath=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --tests) tests=$2; shift 2 ;;
    --time-limit) limit=$2; shift 2 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
[[ -f "$jar" && -n "$classpath" && -n "$out" ]] || { sed -n '9,15p' "$0" >&2; exit 2; }

missing=()
for tool in qemu-system-x86_64 busybox cpio gzip apt-get apt-cache dpkg-deb depmod modprobe mkfs.ext4 ldconfig timeout flock; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "ioguard kernels: missing ${missing[*]} (scripts/install-deps.sh --test installs them)" >&2
  exit 3
fi
java_home=${JAVA_HOME:-$("$here/../../scripts/find-jdk.sh")}
export PATH="$PATH:/usr/sbin:/sbin"

declare -A regex expect
all=()
while read -r name pattern not_used; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  all+=("$name"); regex[$name]=$pattern; expect[$name]=$not_used
done < "$here/kernels.list"
((${#names[@]})) || names=("${all[@]}")
for name in "${names[@]}"; do
  [[ -n "${regex[$name]:-}" ]] || { echo "ioguard kernels: no kernel '$name' in kernels.list (${all[*]})" >&2; exit 2; }
done

mkdir -p "$cache" "$out"
t0=$SECONDS
# One builder at a time per cache (CI and developers may share a machine); booting needs no lock.
exec 9> "$cache/.lock"
flock 9
root=$("$here/lib/build-rootfs.sh" "$java_home" "$cache")
declare -A kdirs initrds
for name in "${names[@]}"; do
  kdirs[$name]=$("$here/lib/fetch-kernel.sh" "${regex[$name]}" "$cache")
  initrds[$name]=$("$here/lib/build-initramfs.sh" "${kdirs[$name]}")
done
flock -u 9
payload=$("$here/lib/build-payload.sh" "$out/payload.img" "$jar" "$classpath")
echo "ioguard kernels: root image $root, payload $payload, kernels ready ($((SECONDS - t0)) s)"

failed=0
summary=()
for name in "${names[@]}"; do
  t1=$SECONDS
  kdir=${kdirs[$name]} initrd=${initrds[$name]}
  release=$(cat "$kdir/release")
  echo "ioguard kernels: booting $name: $(basename "$kdir") ($release)"
  rm -rf "${out:?}/$name"
  "$here/lib/boot.sh" "$name" "$kdir" "$initrd" "$root" "$payload" "$out/$name" "$limit" \
    "IOGUARD_KERNEL_NAME=$name" "IOGUARD_EXPECT_NOT_USED=${expect[$name]}" "IOGUARD_GUEST_TESTS=$tests"
  echo "package=$(basename "$kdir")" >> "$out/$name/boot.txt"
  echo "release=$release" >> "$out/$name/boot.txt"

  r="$out/$name/results.log"
  passed=$(grep -c '^[0-9.]* test PASS ' "$r" || true)
  failures=$(grep -c '^[0-9.]* test \(FAIL\|SKIP\) ' "$r" || true)
  init=$(awk '$2 == "init" { print $1 "s (guest uptime " $3 "s)"; exit }' "$r")
  tests_s=$(awk '$2 == "start" { s = $1 } $2 == "done" { printf "%.0f s", $1 - s }' "$r")
  end=$(awk '$2 == "end" { print $3 }' "$r")
  status=passed
  if [[ "$end" != "rc=0" || $failures -gt 0 || $passed -eq 0 ]]; then
    status=FAILED; failed=$((failed + 1))
    echo "ioguard kernels: $name failed (end: ${end:-none}; $(tr '\n' ' ' < "$out/$name/boot.txt")); last console lines:"
    tail -n 30 "$out/$name/console.log" | sed 's/^/    /'
  fi
  summary+=("$(printf '%-12s %-24s %-8s /init at %-28s tests %-7s kernel total %3d s  %d passed, %d failed' \
    "$name" "$release" "$status" "${init:-never}" "${tests_s:-n/a}" $((SECONDS - t1)) "$passed" "$failures")")
  grep -E '^[0-9.]+ (test|note) ' "$r" | sed -E "s/^[0-9.]+ (test |note )/    $name \1/" || true
done

echo "ioguard kernels: summary ($((SECONDS - t0)) s in all)"
printf '  %s\n' "${summary[@]}"
((failed == 0))
