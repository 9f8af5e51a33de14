#!/bin/sh
# Tokenizer encoding throughput (Qwen3 151k vocabulary and the 2k BPE), single-threaded, on a
# 200 KB slice of Moby-Dick; JMH prints ms per encode (MB/s = 0.2 / (ms/1000)).
#   ./mvnw -q -pl nemotron-bench -am package -DskipTests
#   nemotron-bench/run-tokenizer-bench.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../.mvn/find-jdk.sh"
cd "$here/.."
jar=$(ls "$here"/target/nemotron-bench-*.jar 2>/dev/null | head -n 1 || true)
[ -n "$jar" ] || { echo "error: build first: ./mvnw -q -pl nemotron-bench -am package -DskipTests" >&2; exit 1; }
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$jar:$here/target/lib/*" \
  org.openjdk.jmh.Main TokenizerBenchmark "$@"
