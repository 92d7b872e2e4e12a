#!/usr/bin/env bash
# Prints the home of a JDK 22+ (the Foreign Function & Memory API is final in 22), preferring
# $JAVA_HOME, then Temurin 25, then any JDK under /usr/lib/jvm, then `java` on the PATH.
set -u
version_of() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
candidates=()
[[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64)
for d in /usr/lib/jvm/*; do [[ -d "$d" ]] && candidates+=("$d"); done
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi
for home in "${candidates[@]}"; do
  [[ -x "$home/bin/java" ]] || continue
  v=$(version_of "$home")
  if [[ "${v%%.*}" =~ ^[0-9]+$ ]] && (( ${v%%.*} >= 22 )); then
    echo "$home"
    exit 0
  fi
done
exit 1
