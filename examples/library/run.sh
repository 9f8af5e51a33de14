#!/usr/bin/env bash
# Runs the example application on the module path: ./examples/library/run.sh MODEL_DIR
# (build it first: ./mvnw install -DskipTests && (cd examples/library && ../../mvnw -q package)).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
java="${JAVA_HOME:-}"
if [ -z "$java" ] || ! "$java/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
  java=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -n 1)
fi
[ -n "$java" ] || { echo "error: no JDK 25 found; set JAVA_HOME" >&2; exit 2; }
exec "$java/bin/java" --module-path "$here/target/classes:$here/target/lib" --add-modules ALL-MODULE-PATH \
  -m com.example.nemotron/com.example.nemotron.Quickstart "$@"
