#!/usr/bin/env bash
# The quickstart: an end-to-end run on the embedded default model (examples/configs/tiny-hybrid,
# a 12-layer hybrid of Mamba-2, attention and MLP layers, with a small BPE tokenizer). Builds the
# project on first use. The weights are random until the training issue lands, so the generated
# text is gibberish; every step below is the real code path.
#   ./examples/quickstart.sh [OUT_DIR]        (default: runs/quickstart)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/quickstart}"
rm -rf "$out"
mkdir -p "$out"

step() { printf '\n== %s\n' "$*" >&2; }

step "backends found on the module path"
./nemotron backends

step "the tiny hybrid model: layers, parameters, inference memory"
./nemotron inspect examples/configs/tiny-hybrid --context 4096

step "initialise it (HF layout: config.json + model.safetensors + tokenizer.json)"
./nemotron init --config examples/configs/tiny-hybrid/config.json --out "$out/model" --seed 42 \
  --tokenizer examples/tokenizers/nemotron-bpe-2k

step "prefill forward pass: logits and every hidden state"
./nemotron forward --model "$out/model" --ids 1,5,17,42,7,99,3,250 --out "$out/forward.safetensors" --hidden

step "tokenize, then generate through the chat template with a thinking budget of 8 tokens"
./nemotron tokenize --tokenizer "$out/model" --text "Hello, hybrid world!"
./nemotron generate --model "$out/model" --prompt "What is 2 + 3?" --chat --max-new-tokens 32 \
  --max-thinking-tokens 8 --thinking-grace 4 --json

step "the same as a pipeline: tokenise a corpus, then generate (run twice: the second run skips both stages)"
./nemotron pipeline run examples/pipelines/quickstart.yaml --model "$out/model" --out "$out/pipeline"
./nemotron pipeline run examples/pipelines/quickstart.yaml --model "$out/model" --out "$out/pipeline"

step "serve it (OpenAI-compatible) and ask it over HTTP"
log="$out/serve.log"
./nemotron serve --model "$out/model" --port 0 2> "$log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 120); do
  url=$(sed -n 's/.* listening on \(http[^ ]*\) .*/\1/p' "$log" | head -n 1)
  [ -n "$url" ] && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$url" ] || { echo "quickstart: the server did not start" >&2; cat "$log" >&2; exit 1; }
curl -sS --fail-with-body "$url/v1/chat/completions" -H 'Content-Type: application/json' -d '{
  "model": "model", "messages": [{"role": "user", "content": "Say hi /think"}],
  "max_tokens": 24, "max_thinking_tokens": 6, "thinking_grace_tokens": 4, "seed": 1}'
echo
kill $server
wait $server 2>/dev/null || true
trap - EXIT

step "NVIDIA-Nemotron-Nano-9B-v2 at 128k context, batch 1 (config only, no weights needed)"
./nemotron inspect examples/configs/nemotron-nano-9b-v2 --context 131072 --batch 1

printf '\nquickstart done: outputs in %s\n' "$out" >&2
