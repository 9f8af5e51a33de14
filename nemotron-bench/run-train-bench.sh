#!/bin/sh
# Training throughput: the float64 FMA peak of one core, the training GEMM (vectorised vs scalar)
# and one step's loss + gradients of tiny-hybrid (batch 4 x 256 tokens; fp32 | fp8, 1 | 2 threads).
# Prints a Markdown report (TrainBenchReport); arguments are JMH options, e.g. -f 1 -wi 2 -i 3.
#   ./mvnw -q -pl nemotron-bench -am package -DskipTests
#   nemotron-bench/run-train-bench.sh -f 1 -wi 2 -i 3     # ~3 minutes on 2 cores
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
  dev.nemotron.bench.TrainBenchReport "$@"
