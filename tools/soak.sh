#!/usr/bin/env bash
# Server soak (docs/robustness.md): serves the tiny hybrid model (random weights, the
# examples/tokenizers/nemotron-bpe-2k tokenizer) on 127.0.0.1 and runs STREAMS concurrent streaming
# clients for SECONDS (tools/soak.py), sampling the server's RSS every 5 s. Passes with 0 errors;
# writes OUT/rss.csv, OUT/soak.json, OUT/rss.png and the server's log OUT/serve.log.
#   tools/soak.sh [OUT_DIR]      (default runs/soak; STREAMS=64 DURATION=600 HEAP=512m)
# NEMOTRON names the launcher (default ./nemotron).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/soak}"
streams="${STREAMS:-64}"
seconds="${DURATION:-600}"
nemotron="${NEMOTRON:-./nemotron}"
rm -rf "$out"
mkdir -p "$out"
model="$out/model"
"$nemotron" init --config examples/configs/tiny-hybrid/config.json --tokenizer examples/tokenizers/nemotron-bpe-2k \
  --out "$model" > /dev/null

log="$out/serve.log"
# the heap is fixed (committed up front) so that a leak shows up as an OutOfMemoryError rather than a
# slow climb, and RSS growth is not the heap growing into its cap
NEMOTRON_JAVA_OPTS="-Xms${HEAP:-512m} -Xmx${HEAP:-512m} -XX:+AlwaysPreTouch" "$nemotron" serve --model "$model" --host 127.0.0.1 --port 0 \
  --max-batch 16 --max-queued 256 2> "$log" &
launcher=$!
trap 'kill $launcher 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 240); do
  url=$(sed -n 's/.* listening on \(http[^ ]*\) .*/\1/p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 $launcher 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { echo "soak: the server did not start" >&2; cat "$log" >&2; exit 1; }
server=$launcher # ./nemotron execs the JVM
echo "soak: server $url (pid $server), $streams streams for ${seconds}s" >&2

status=0
python3 tools/soak.py "$url" "$server" "$out" --streams "$streams" --seconds "$seconds" --interval 5 || status=$?
kill $launcher 2>/dev/null || true
wait $launcher 2>/dev/null || true
trap - EXIT

. .mvn/find-jdk.sh
jar=$(ls nemotron-cli/target/lib/jfreechart-*.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] || jar=$(find ~/.m2/repository/org/jfree/jfreechart -name 'jfreechart-*.jar' | sort | tail -n 1)
"$JAVA_HOME/bin/java" -cp "$jar" tools/SoakChart.java "$out/rss.csv" "$out/rss.png" \
  "nemotron serve: $streams concurrent streams, RSS every 5 s" || echo "soak: no chart (JFreeChart not found)" >&2
exit $status
