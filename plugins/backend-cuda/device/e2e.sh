#!/usr/bin/env bash
# End-to-end check of the CUDA backend through the nemotron command on a GPU machine: a model
# with fresh FP32 weights and the example tokenizer, greedy generation on the cuda and on the
# java backend (the token ids must be identical), then the OpenAI-compatible server on cuda.
#   plugins/backend-cuda/device/e2e.sh [WORK_DIR]        (NEMOTRON=... to use another launcher)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="${1:-$(mktemp -d)}"
nemotron="${NEMOTRON:-$root/.device/nemotron}"
model="$work/model"
rm -rf "$model"
"$nemotron" init --config "$root/examples/configs/tiny-hybrid/config.json" --dtype F32 --seed 7 \
  --tokenizer "$root/examples/tokenizers/nemotron-bpe-2k" --out "$model" >/dev/null
prompt="Call me Ishmael. Some years ago"
for backend in cuda java; do
  "$nemotron" generate --backend "$backend" --model "$model" --prompt "$prompt" --max-new-tokens 48 --greedy --json \
    > "$work/generate-$backend.json"
  echo "$backend: $(cat "$work/generate-$backend.json")"
done
ids() { sed -n 's/.*"output_ids" *: *\[\([^]]*\)\].*/\1/p' "$1" | tr -d ' \n'; }
if [ "$(ids "$work/generate-cuda.json")" != "$(ids "$work/generate-java.json")" ]; then
  echo "e2e: greedy tokens differ between the cuda and java backends" >&2
  exit 1
fi
echo "e2e: greedy tokens identical on cuda and java"

log="$work/serve.log"
"$nemotron" serve --backend cuda --model "$model" --port 0 2> "$log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 120); do
  url=$(sed -n 's/.* listening on \(http[^ ]*\) .*/\1/p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { echo "e2e: the server did not start" >&2; cat "$log" >&2; exit 1; }
curl -sS --fail-with-body "$url/v1/completions" -H 'Content-Type: application/json' \
  -d "{\"model\": \"model\", \"prompt\": \"$prompt\", \"max_tokens\": 48, \"temperature\": 0}"
echo
kill $server
wait $server 2>/dev/null || true
trap - EXIT
echo "e2e: served over HTTP on cuda"
