#!/usr/bin/env bash
# The quickstart: pretrain the embedded tiny hybrid model (examples/configs/tiny-hybrid: 12 layers
# of Mamba-2, attention and MLP) from scratch on Moby-Dick plus synthetic arithmetic with <think>
# reasoning, continue it at 8x the context, fine-tune it on arithmetic conversations (SFT with
# truncated traces), evaluate it, generate with it, and serve it over HTTP — all through the
# pipeline spec examples/pipelines/quickstart.yaml. Builds the project on first use.
# A few minutes on 2 CPU cores.
#   ./examples/quickstart.sh [OUT_DIR]        (default: runs/quickstart)
# Run it again and the pipeline skips every finished stage (an interrupted pretrain resumes from
# its last checkpoint); delete OUT_DIR to start over. NEMOTRON names the launcher (default ./nemotron).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/quickstart}"
nemotron="${NEMOTRON:-./nemotron}"
mkdir -p "$out"

step() { printf '\n== %s\n' "$*" >&2; }

step "backends found on the module path"
"$nemotron" backends

step "the tiny hybrid model: layers, parameters, inference memory"
"$nemotron" inspect examples/configs/tiny-hybrid --context 4096

step "the pipeline: data -> pretrain -> long-context cpt -> SFT -> eval -> generate (examples/pipelines/quickstart.yaml)"
"$nemotron" pipeline run examples/pipelines/quickstart.yaml --out "$out"
model="$out/06-sft/model"

step "pretraining: held-out loss against the corpus' unigram entropy (the loss of a model that ignores context)"
for stage in 04-pretrain 05-long-context 06-sft; do
  printf '%s: ' "$stage"
  tr -d '\n ' < "$out/$stage/summary.json" | sed 's/,"/, "/g'
  echo
done
echo "loss curves: $out/04-pretrain/loss.png, $out/05-long-context/loss.png, $out/06-sft/loss.png" >&2

step "SFT data, and the fine-tuned model on 50 arithmetic problems with a 32-token thinking budget"
tr -d '\n ' < "$out/06-sft/sft_data.json"; echo
sed -n "/^| task/,/^$/p" "$out/07-eval/report.md"

step "what the trained model generates (story prompts, then arithmetic in chat form with a thinking budget)"
cat "$out/08-story/generations.jsonl" "$out/09-math/generations.jsonl"

step "serve it (OpenAI-compatible) and ask it over HTTP"
log="$out/serve.log"
"$nemotron" serve --model "$model" --port 0 2> "$log" &
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
  "model": "model", "messages": [{"role": "user", "content": "What is 12 + 34?"}],
  "max_tokens": 96, "max_thinking_tokens": 64, "thinking_grace_tokens": 8, "temperature": 0}'
echo
kill $server
wait $server 2>/dev/null || true
trap - EXIT

step "NVIDIA-Nemotron-Nano-9B-v2 at 128k context, batch 1 (config only, no weights needed)"
"$nemotron" inspect examples/configs/nemotron-nano-9b-v2 --context 131072 --batch 1

printf '\nquickstart done: outputs in %s (rerun this script and finished stages are skipped)\n' "$out" >&2
