#!/usr/bin/env bash
# Builds .device/ in the repository root: what a GPU machine with no JDK and no Maven needs to run
# the CUDA backend's GPU tests, the native self-test and the `nemotron` command (bench, forward,
# generate, serve ...). Everything is packed into one archive, unpacked on first use:
#   .device/bundle.tar.xz    jdk/    jlinked JDK 25 runtime: only the modules the CLI's module
#                                    graph needs without charts (no java.desktop), libjvm stripped
#                            lib/    the CLI's module path minus JFreeChart and the Log4j core
#                                    (charts are optional; the launchers select Log4j's simple
#                                    logger, which prints errors) plus libnemotron_cuda.so
#                            tests/  GPU test classes + JUnit (class path); the fixtures are read
#                                    from the checkout (nemotron-testing/src/main/resources)
#                            native/ nmc_selftest, nmc_train_selftest, nmc_bench, nmc_train_bench and
#                                    nmc_nccl_bench (issue19.sh) next to the library
#   .device/nemotron          launcher: .device/nemotron backends | forward | bench | generate ...
#   .device/run-gpu-tests.sh  runs the tests tagged "gpu"
#   .device/native-selftest.sh runs the native self-test (kernels against CPU references)
# Why so lean: the device tool moves the checkout plus carried paths, 64 MiB in all.
# Build first:  ./mvnw -o -q package -DskipTests ; the native library and programs are built here
# with make (nvcc, incremental); without nvcc they must already be in plugins/backend-cuda/native/build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
jdk="${NEMOTRON_BUNDLE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$root/.device"
lib="$root/nemotron-cli/target/lib"
plugin="$root/plugins/backend-cuda"

die() { echo "bundle.sh: $*" >&2; exit 1; }
[ -x "$jdk/bin/jlink" ] || die "no JDK 25 at $jdk (set NEMOTRON_BUNDLE_JDK)"
ls "$lib"/nemotron-backend-cuda-*.jar >/dev/null 2>&1 || die "$lib has no CUDA plugin jar: run ./mvnw -o -q package -DskipTests first"

# GPU test classes and their class path (offline, from the local repository; nothing installed)
(cd "$root" && ./mvnw -o -q -B -pl plugins/backend-cuda -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$plugin/target/test-classpath.txt") >&2 \
    || die "test-compile of plugins/backend-cuda failed"

native="$root/plugins/backend-cuda/native"
if command -v nvcc >/dev/null; then  # make is incremental: a stale library or program is rebuilt
  make -C "$native" -j"$(nproc)" >&2 || die "native build failed"
elif [ ! -f "$native/build/libnemotron_cuda.so" ]; then
  die "no $native/build/libnemotron_cuda.so and no nvcc to build it"
fi
for f in libnemotron_cuda.so nmc_selftest nmc_train_selftest nmc_bench nmc_train_bench nmc_nccl_bench; do
  [ -f "$native/build/$f" ] || die "no $native/build/$f and no nvcc to build it"
done
rm -rf "$out"
pay="$out/payload"
mkdir -p "$pay/lib" "$pay/tests/lib" "$pay/native"
cp "$native/build/libnemotron_cuda.so" "$pay/lib/"
cp "$native/build/nmc_selftest" "$native/build/nmc_train_selftest" "$native/build/nmc_bench" "$native/build/nmc_train_bench" \
   "$native/build/nmc_nccl_bench" "$native/build/libnemotron_cuda.so" "$pay/native/"

# 1. the runtime: the modules the CLI's module graph needs once charts are left out (checked
#    below by starting the command), the Vector API, and jdk.zipfs (JUnit scans jars with it)
mods="java.base,java.compiler,java.logging,java.management,java.naming,java.net.http,java.xml,jdk.management"
mods="$mods,jdk.incubator.vector,jdk.unsupported,jdk.zipfs"
"$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
    --compress zip-0 --output "$pay/jdk" 2>/dev/null
if command -v strip >/dev/null; then strip --strip-unneeded "$pay/jdk/lib/server/libjvm.so"; fi

# 2. the CLI's module path, without the optional chart library and the Log4j core
for j in "$lib"/*.jar; do
  # (and without the ONNX backend: ONNX Runtime's jar carries every platform's native library, ~54 MB)
  case "$(basename "$j")" in jfreechart-*|log4j-core-*|log4j-slf4j2-impl-*|onnxruntime-*|protobuf-java-*|nemotron-backend-onnx-*) continue ;; esac
  cp "$j" "$pay/lib/"
done

# 3. GPU tests: test classes (fixtures stay in the checkout) as one jar, and the test-scope jars not already in lib/
# (with directory entries: JUnit finds a package's classes through them)
"$jdk/bin/jar" --create --file "$pay/tests/backend-cuda-tests.jar" -C "$plugin/target/test-classes" dev
# test-scope jars not already on the module path (byte-buddy: only AssertJ's soft assertions use it)
tr ':' '\n' < "$plugin/target/test-classpath.txt" | while read -r j || [ -n "$j" ]; do
  [ -f "$j" ] || continue
  case "$(basename "$j")" in byte-buddy-*|log4j-core-*|log4j-slf4j2-impl-*|jfreechart-*) continue ;; esac
  [ -f "$pay/lib/$(basename "$j")" ] || cp "$j" "$pay/tests/lib/"
done

cat > "$out/run-gpu-tests.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the CUDA backend's GPU tests (JUnit tag "gpu") with the bundled runtime; arguments: only
# these test classes (e.g. TrainingGradientTest). NEMOTRON_JAVA_OPTS: extra JVM options (e.g.
# -Dnemotron.gputrain.model=DIR for the training tests on another checkpoint).
# Needs .device/lib/libnemotron_cuda.so (or NEMOTRON_CUDA_LIBRARY / -Dnemotron.cuda.library).
# Exit: 0 all passed, 1 a failure, 2 everything skipped (the reason is printed).
# NCCL (data-parallel tests): NVLink multicast off, as in every environment here; NMC_NCCL_LIBRARY
# from python3's nvidia.nccl when unset (the library also searches the usual pip prefixes itself).
set -euo pipefail
export NCCL_NVLS_ENABLE=0
if [ -z "${NMC_NCCL_LIBRARY:-}" ] && command -v python3 >/dev/null; then
  p="$(python3 -c 'import os, nvidia.nccl as n; print(os.path.join(list(n.__path__)[0], "lib", "libnccl.so.2"))' 2>/dev/null || true)"
  if [ -n "$p" ] && [ -f "$p" ]; then export NMC_NCCL_LIBRARY="$p"; fi
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$here/jdk/bin/java" ]; then
  echo "unpacking the bundle ..." >&2
  tar -C "$here" -xJf "$here/bundle.tar.xz"
fi
lib="${NEMOTRON_CUDA_LIBRARY:-$here/lib/libnemotron_cuda.so}"
fixtures="$here/../nemotron-testing/src/main/resources"
[ -d "$fixtures/fixtures" ] || { echo "run-gpu-tests.sh: no fixtures at $fixtures (run it from a checkout)" >&2; exit 1; }
cp="$fixtures:$here/tests/backend-cuda-tests.jar:$here/tests/lib/*:$here/lib/*"
exec "$here/jdk/bin/java" ${NEMOTRON_JAVA_OPTS:-} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Xss4m -Dnemotron.cuda.library="$lib" \
  -Dlog4j.provider=org.apache.logging.log4j.simple.internal.SimpleProvider \
  -cp "$cp" dev.nemotron.backend.cuda.gpu.GpuTestMain "$@"
RUN

cat > "$out/nemotron" <<'RUN'
#!/usr/bin/env bash
# The nemotron command with the bundled runtime; the CUDA library is .device/lib/libnemotron_cuda.so
# unless NEMOTRON_CUDA_LIBRARY says otherwise. NCCL (data parallelism): NVLink multicast off.
set -euo pipefail
export NCCL_NVLS_ENABLE=0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$here/jdk/bin/java" ]; then
  echo "unpacking the bundle ..." >&2
  tar -C "$here" -xJf "$here/bundle.tar.xz"
fi
lib="${NEMOTRON_CUDA_LIBRARY:-$here/lib/libnemotron_cuda.so}"
exec "$here/jdk/bin/java" ${NEMOTRON_JAVA_OPTS:-} \
  --add-modules jdk.incubator.vector --illegal-native-access=deny \
  --enable-native-access=dev.nemotron.backend.cuda -Dnemotron.cuda.library="$lib" \
  -Dlog4j.provider=org.apache.logging.log4j.simple.internal.SimpleProvider \
  --add-opens=java.base/java.nio=org.apache.arrow.memory.core --sun-misc-unsafe-memory-access=allow \
  --add-modules org.apache.arrow.memory.unsafe \
  --module-path "$here/lib" --add-modules ALL-MODULE-PATH \
  -m dev.nemotron.cli/dev.nemotron.cli.Main "$@"
RUN
cat > "$out/native-selftest.sh" <<'RUN'
#!/usr/bin/env bash
# The native self-test: every kernel against the CPU reference, whole-model consistency.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -x "$here/native/nmc_selftest" ] || tar -C "$here" -xJf "$here/bundle.tar.xz"
exec "$here/native/nmc_selftest" "$@"
RUN
chmod +x "$out/run-gpu-tests.sh" "$out/nemotron" "$out/native-selftest.sh"

# the command must start on the trimmed runtime and module path
"$pay/jdk/bin/java" --add-modules jdk.incubator.vector --enable-native-access=dev.nemotron.backend.cuda \
  --add-opens=java.base/java.nio=org.apache.arrow.memory.core --sun-misc-unsafe-memory-access=allow \
  --module-path "$pay/lib" --add-modules ALL-MODULE-PATH -m dev.nemotron.cli/dev.nemotron.cli.Main backends \
  >/dev/null 2>"$out/check.log" || { cat "$out/check.log" >&2; die "the trimmed runtime cannot start the CLI"; }
rm -f "$out/check.log"

tar -C "$pay" -cf - . | xz -9 -T0 > "$out/bundle.tar.xz"
rm -rf "$pay"
echo "bundle: $out/bundle.tar.xz $(du -sh "$out/bundle.tar.xz" | cut -f1)"
