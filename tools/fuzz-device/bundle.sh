#!/usr/bin/env bash
# Builds .fuzz/ in the repository root: what a machine with no JDK and no Maven (the GPU device,
# 16 cores) needs to run the parser fuzz targets of docs/fuzzing.md in parallel, one JVM each:
#   .fuzz/bundle.tar.xz   jdk/   jlinked JDK 25 runtime
#                         cp/    main jars, test classes and test-scope jars (class path; the
#                                jars carry META-INF/services, so plugins are found there too)
#   .fuzz/run.sh          runs every target (see it for the knobs) and writes OUT/results.tsv
# Build first: ./mvnw -o -q -B -DskipTests package
# WITH_DEVICE_BUNDLE=1: leave out the runtime and the SDK's main jars, which .device/ (the GPU
# bundle, plugins/backend-cuda/device/bundle.sh) already carries: run.sh then uses those (a few MB
# instead of ~27, so both fit the device tool's 64 MiB)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jdk="${NEMOTRON_BUNDLE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$root/.fuzz"
modules="nemotron-arch nemotron-text nemotron-infer nemotron-train"
die() { echo "fuzz bundle: $*" >&2; exit 1; }

[ -n "${NEMOTRON_SKIP_BUILD:-}" ] || (cd "$root" && ./mvnw -o -q -B -pl "$(echo $modules | tr ' ' ',')" -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >&2 || die "test-compile failed"

rm -rf "$out"
pay="$out/payload"
mkdir -p "$pay/cp"
lean="${WITH_DEVICE_BUNDLE:-}"
# 1. the runtime
[ -n "$lean" ] || {
mods="java.base,java.compiler,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.management"
mods="$mods,jdk.incubator.vector,jdk.unsupported,jdk.zipfs,jdk.crypto.ec"
"$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress zip-0 \
    --output "$pay/jdk" 2>/dev/null
if command -v strip >/dev/null; then strip --strip-unneeded "$pay/jdk/lib/server/libjvm.so"; fi
}
# 2. the class path: each module's classes and test classes as jars, and the jars they use
# (without fixtures: run.sh reads them from the checkout's nemotron-testing, as the GPU bundle does)
jar_of() { # DIR JAR: the directory's entries but fixtures/
  local entries
  entries=$(cd "$1" && ls -A | grep -vx fixtures || true)
  [ -n "$entries" ] || return 0
  (cd "$1" && "$jdk/bin/jar" --create --file "$2" $entries)
}
for m in $modules; do
  [ -n "$lean" ] || jar_of "$root/$m/target/classes" "$pay/cp/$m-classes.jar"
  jar_of "$root/$m/target/test-classes" "$pay/cp/$m-tests.jar"
  tr ':' '\n' < "$root/$m/target/test-classpath.txt" | while read -r j || [ -n "$j" ]; do
    [ -n "$j" ] || continue
    case "$(basename "$j")" in onnxruntime-*|jfreechart-*|byte-buddy-*) continue ;; esac
    if [ -d "$j" ]; then  # a reactor module's classes
      name="$(basename "$(dirname "$(dirname "$j")")")-classes.jar"
      case "$name" in nemotron-fuzz-*|nemotron-testing-*) ;; *) [ -z "$lean" ] || continue ;; esac
      [ -f "$pay/cp/$name" ] || jar_of "$j" "$pay/cp/$name"
    else
      [ -n "$lean" ] && [ -f "$root/nemotron-cli/target/lib/$(basename "$j")" ] && continue
      [ -f "$pay/cp/$(basename "$j")" ] || cp "$j" "$pay/cp/"
    fi
  done
done
# 3. the runner
launcher=$(ls "$pay"/cp/junit-platform-launcher-*.jar 2>/dev/null | head -n 1 || true)
[ -n "$launcher" ] || launcher=$(find ~/.m2/repository/org/junit/platform/junit-platform-launcher -name 'junit-platform-launcher-6*.jar' | sort | tail -n 1)
[ -f "$pay/cp/$(basename "$launcher")" ] || cp "$launcher" "$pay/cp/"
mkdir -p "$pay/runner"
"$jdk/bin/javac" -d "$pay/runner" -cp "$pay/cp/*:$root/nemotron-cli/target/lib/*" "$root/tools/fuzz-device/FuzzTestMain.java"
"$jdk/bin/jar" --create --file "$pay/cp/fuzz-runner.jar" -C "$pay/runner" .
rm -rf "$pay/runner"
cp "$root/tools/fuzz-device/run.sh" "$out/run.sh"
chmod +x "$out/run.sh"
tar -C "$pay" -cf - . | xz -6 -T0 > "$out/bundle.tar.xz"
rm -rf "$pay"
echo "fuzz bundle: $out/bundle.tar.xz $(du -sh "$out/bundle.tar.xz" | cut -f1)"
