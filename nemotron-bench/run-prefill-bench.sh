#!/bin/sh
# Prefill throughput of a random ~52M-parameter hybrid model (examples/configs/bench-50m), F32 and
# BF16 weights, 512-token prompts; JMH prints ms per forward pass (tokens/s = 512 / (ms/1000)).
#   ./mvnw -q -pl nemotron-bench -am package -DskipTests
#   nemotron-bench/run-prefill-bench.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../.mvn/find-jdk.sh"
cd "$here/.."
jar=$(ls "$here"/target/nemotron-bench-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ ! -d "$here/target/lib" ]; then
  echo "error: build first: ./mvnw -q -pl nemotron-bench -am package -DskipTests" >&2
  exit 1
fi
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$jar:$here/target/lib/*" \
  org.openjdk.jmh.Main PrefillBenchmark "$@"
