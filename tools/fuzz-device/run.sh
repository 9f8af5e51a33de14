#!/usr/bin/env bash
# Runs the parser fuzz targets in parallel, one JVM each, from a checkout with .fuzz/ built by
# tools/fuzz-device/bundle.sh:   .fuzz/run.sh OUT_DIR
# EXECS (default 1000000) and SECONDS_CAP (default 540) bound each target; SPLIT=name:k runs a
# target as k processes of EXECS/k executions with different seeds (for the slowest targets).
# ONLY="configJson shard ..." runs only the named test methods.
# Each target runs in its module's directory (seed files are read from src/test/resources).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="${1:?usage: run.sh OUT_DIR}"
execs="${EXECS:-1000000}"
cap="${SECONDS_CAP:-540}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
[ -d "$here/cp" ] || tar -C "$here" -xJf "$here/bundle.tar.xz"
# a lean bundle (WITH_DEVICE_BUNDLE=1) runs on the GPU bundle's runtime and SDK jars
java="$here/jdk/bin/java"
extra=""
if [ ! -x "$java" ]; then
  [ -x "$root/.device/jdk/bin/java" ] || tar -C "$root/.device" -xJf "$root/.device/bundle.tar.xz"
  java="$root/.device/jdk/bin/java"
  extra=":$root/.device/lib/*"
fi
targets="nemotron-arch:dev.nemotron.arch.config.ConfigFuzzTest#configJson
nemotron-arch:dev.nemotron.arch.config.ConfigFuzzTest#configFile
nemotron-arch:dev.nemotron.arch.safetensors.SafetensorsFuzzTest#wholeFile
nemotron-arch:dev.nemotron.arch.safetensors.SafetensorsFuzzTest#header
nemotron-text:dev.nemotron.text.chat.ChatTemplateFuzzTest#parseAndRender
nemotron-text:dev.nemotron.text.tokenizer.TokenizerFuzzTest#loadEncodeDecode
nemotron-infer:dev.nemotron.infer.server.RequestBodyFuzzTest#chatCompletions
nemotron-infer:dev.nemotron.infer.server.RequestBodyFuzzTest#completions
nemotron-train:dev.nemotron.train.data.DataFuzzTest#jsonl
nemotron-train:dev.nemotron.train.data.DataFuzzTest#manifest
nemotron-train:dev.nemotron.train.data.DataFuzzTest#shard"
pids=()
for t in $targets; do
  if [ -n "${ONLY:-}" ]; then case " $ONLY " in *" ${t#*#} "*) ;; *) continue ;; esac; fi
  module="${t%%:*}"; test="${t#*:}"; method="${test#*#}"
  parts=1
  for s in ${SPLIT:-}; do [ "${s%%:*}" = "$method" ] && parts="${s#*:}"; done
  for p in $(seq 1 "$parts"); do
    dir="$out/$method-$p"; mkdir -p "$dir"
    (cd "$root/$module" && "$java" -Xmx1g -Xss4m --add-modules jdk.incubator.vector \
        --add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
        -Dlog4j.provider=org.apache.logging.log4j.simple.internal.SimpleProvider \
        -Dnemotron.fuzz.execs=$((execs / parts)) -Dnemotron.fuzz.seconds="$cap" -Dnemotron.fuzz.out="$dir" \
        -Dnemotron.fuzz.seed=$((20261206 + p - 1)) \
        -cp "$root/nemotron-testing/src/main/resources:$here/cp/*$extra" FuzzTestMain "$test" > "$dir/log.txt" 2>&1) &
    pids+=($!)
  done
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
cat "$out"/*/results.tsv > "$out/results.tsv" 2>/dev/null
grep -h "passed\|FAILED" "$out"/*/log.txt
echo "results (name, executions, accepted, rejected, known, max ms, seconds):"
cat "$out/results.tsv"
exit $status
