#!/bin/sh
# Runs the matmul and FMA-peak JMH benchmarks and prints a Markdown report (see BenchReport).
#   ./mvnw -q -pl nemotron-api,plugins/backend-java,nemotron-bench package -DskipTests
#   nemotron-bench/run-matmul-bench.sh            # ~2 minutes
#   nemotron-bench/run-matmul-bench.sh --quick    # smoke run, numbers not trustworthy
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../.mvn/find-jdk.sh"
jar=$(ls "$here"/target/nemotron-bench-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ ! -d "$here/target/lib" ]; then
  echo "error: build first: ./mvnw -q -pl nemotron-api,plugins/backend-java,nemotron-bench package -DskipTests" >&2
  exit 1
fi
# Class path, not module path: the benchmarks need the Vector API module added by hand (forks get
# it from @Fork(jvmArgsAppend)).
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -cp "$jar:$here/target/lib/*" \
  dev.nemotron.bench.BenchReport "$@"
