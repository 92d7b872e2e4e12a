#!/usr/bin/env bash
# One command for a newcomer (root, Debian 12): install what is missing, build, run the exporter
# on this node with its defaults (metrics on :9477). Flags are passed to ioguard.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
JAVA_HOME="$(./scripts/find-jdk.sh)"
export JAVA_HOME
echo "ioguard: building with $JAVA_HOME"
mvn -q -B -DskipTests package
exec ./bin/ioguard "$@"
