#!/usr/bin/env bash
# `nemotron` on a frozen copy of the module path ($NEM_LIB), so that rebuilding the checkout
# while the experiment runs cannot change the jars under a running JVM.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/.mvn/find-jdk.sh"
exec nice -n "${NEM_NICE:-10}" "$JAVA_HOME/bin/java" \
  --add-modules jdk.incubator.vector --illegal-native-access=deny \
  --add-opens=java.base/java.nio=org.apache.arrow.memory.core --sun-misc-unsafe-memory-access=allow \
  --add-modules org.apache.arrow.memory.unsafe \
  --module-path "$NEM_LIB" --add-modules ALL-MODULE-PATH \
  -m dev.nemotron.cli/dev.nemotron.cli.Main "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
