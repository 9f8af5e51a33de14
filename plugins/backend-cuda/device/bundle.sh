#!/usr/bin/env bash
# Builds .device/ in the repository root: what the GPU machine needs to run the CUDA backend's
# GPU tests and the `nemotron` command without Maven or a JDK there.
#   .device/runtime.tar.xz       jlinked JDK 25 runtime (only the modules the CLI's module graph
#                                needs), xz-compressed to fit the device tool's transfer limit;
#                                the scripts unpack it to .device/jdk/ on first use
#   .device/lib/                 the CLI's module path (nemotron-cli/target/lib); put
#                                libnemotron_cuda.so here (it is found next to the plugin jar)
#   .device/tests/               GPU test classes + JUnit (class path); the fixtures are read from
#                                the checkout (plugins/backend-cuda/src/test/resources), which the
#                                device tool sends anyway
#   .device/nemotron             launcher: .device/nemotron backends | forward | bench | generate ...
#   .device/run-gpu-tests.sh     runs the tests tagged "gpu"
# Build first:  ./mvnw -o -q package -DskipTests   (and test-compile of plugins/backend-cuda, done here)
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

# keep a library the lead already put there
saved=""
if [ -f "$out/lib/libnemotron_cuda.so" ]; then
  saved="$(mktemp)"; cp "$out/lib/libnemotron_cuda.so" "$saved"
fi
rm -rf "$out"
mkdir -p "$out/lib" "$out/tests/lib"
[ -n "$saved" ] && mv "$saved" "$out/lib/libnemotron_cuda.so"

# 1. the runtime: the modules the CLI's jars need (jdeps), the Vector API, and jdk.zipfs (JUnit
#    scans jars with it); then xz: an uncompressed jimage compresses far better as one archive
#    than with jlink's zip-9 entry by entry (22 MB instead of 65 MB)
mods="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 \
    --module-path "$lib" --add-modules ALL-MODULE-PATH "$lib"/*.jar 2>/dev/null | tail -1)"
mods="$mods,jdk.incubator.vector,jdk.unsupported,jdk.zipfs"
"$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages \
    --compress zip-0 --output "$out/jdk" 2>/dev/null
tar -C "$out" -cf - jdk | xz -9 -T0 > "$out/runtime.tar.xz"
rm -rf "$out/jdk"

# 2. the CLI's module path
cp "$lib"/*.jar "$out/lib/"

# 3. GPU tests: test classes (fixtures stay in the checkout) as one jar, and the test-scope jars not already in lib/
# (with directory entries: JUnit finds a package's classes through them)
"$jdk/bin/jar" --create --file "$out/tests/backend-cuda-tests.jar" -C "$plugin/target/test-classes" dev
# test-scope jars not already on the module path (byte-buddy: only AssertJ's soft assertions use it)
tr ':' '\n' < "$plugin/target/test-classpath.txt" | while read -r j || [ -n "$j" ]; do
  [ -f "$j" ] || continue
  case "$(basename "$j")" in byte-buddy-*) continue ;; esac
  [ -f "$out/lib/$(basename "$j")" ] || cp "$j" "$out/tests/lib/"
done

cat > "$out/run-gpu-tests.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the CUDA backend's GPU tests (JUnit tag "gpu") with the bundled runtime.
# Needs .device/lib/libnemotron_cuda.so (or NEMOTRON_CUDA_LIBRARY / -Dnemotron.cuda.library).
# Exit: 0 all passed, 1 a failure, 2 everything skipped (the reason is printed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$here/jdk/bin/java" ]; then
  echo "unpacking the bundled Java runtime ..." >&2
  tar -C "$here" -xJf "$here/runtime.tar.xz"
fi
lib="${NEMOTRON_CUDA_LIBRARY:-$here/lib/libnemotron_cuda.so}"
fixtures="$here/../plugins/backend-cuda/src/test/resources"
[ -d "$fixtures/fixtures" ] || { echo "run-gpu-tests.sh: no fixtures at $fixtures (run it from a checkout)" >&2; exit 1; }
cp="$fixtures:$here/tests/backend-cuda-tests.jar:$here/tests/lib/*:$here/lib/*"
exec "$here/jdk/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Xss4m -Dnemotron.cuda.library="$lib" \
  -cp "$cp" dev.nemotron.backend.cuda.gpu.GpuTestMain "$@"
RUN

cat > "$out/nemotron" <<'RUN'
#!/usr/bin/env bash
# The nemotron command with the bundled runtime; the CUDA library is .device/lib/libnemotron_cuda.so
# unless NEMOTRON_CUDA_LIBRARY says otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ ! -x "$here/jdk/bin/java" ]; then
  echo "unpacking the bundled Java runtime ..." >&2
  tar -C "$here" -xJf "$here/runtime.tar.xz"
fi
lib="${NEMOTRON_CUDA_LIBRARY:-$here/lib/libnemotron_cuda.so}"
exec "$here/jdk/bin/java" ${NEMOTRON_JAVA_OPTS:-} \
  --add-modules jdk.incubator.vector --illegal-native-access=deny \
  --enable-native-access=dev.nemotron.backend.cuda -Dnemotron.cuda.library="$lib" \
  --add-opens=java.base/java.nio=org.apache.arrow.memory.core --sun-misc-unsafe-memory-access=allow \
  --add-modules org.apache.arrow.memory.unsafe \
  --module-path "$here/lib" --add-modules ALL-MODULE-PATH \
  -m dev.nemotron.cli/dev.nemotron.cli.Main "$@"
RUN
chmod +x "$out/run-gpu-tests.sh" "$out/nemotron"
echo "bundle: $out ($(du -sh "$out" | cut -f1): runtime.tar.xz $(du -sh "$out/runtime.tar.xz" | cut -f1), lib $(du -sh "$out/lib" | cut -f1), tests $(du -sh "$out/tests" | cut -f1))"
