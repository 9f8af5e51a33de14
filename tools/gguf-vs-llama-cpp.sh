#!/usr/bin/env bash
# llama.cpp vs the SDK, side by side, one run, one machine (docs/benchmarks.md "GGUF: llama.cpp vs
# nemotron bench"). One command:
#
#   tools/gguf-vs-llama-cpp.sh            # MODELS="bench-100m hybrid-260m" TYPES="f32 bf16 q8_0" OSL=64
#
# For each model config of examples/configs: random weights (`nemotron init`, seed 1, F32), exported
# with `nemotron export gguf --type T`; both runtimes run that same .gguf file:
#   - llama.cpp through node-llama-cpp 3.21.1 (prebuilt CPU binaries; nemotron-gguf/src/test/node/bench.mjs)
#   - `nemotron bench --model FILE.gguf` (the Java backend; the file is imported: BF16 stays BF16,
#     Q8_0 is decoded to F32 until the Java backend has a Q8_0 weight type)
# prompt processing of 512 random tokens, greedy decode of OSL tokens at batch 1, and aggregate decode
# with 4 concurrent sequences; both on 2 threads. Results: $OUT/results.jsonl and a markdown table on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/runs/gguf-bench}
models=${MODELS:-"bench-100m hybrid-260m"}
types=${TYPES:-"f32 bf16 q8_0"}
isl=${ISL:-512}
osl=${OSL:-64}
threads=2
node_dir=$out/node
mkdir -p "$out" "$node_dir"
command -v node >/dev/null || { echo "error: node not found on PATH (needed for llama.cpp through node-llama-cpp)" >&2; exit 2; }

# node-llama-cpp, pinned by the test's lock file; prebuilt binaries only
for f in package.json package-lock.json bench.mjs; do cp "$root/nemotron-gguf/src/test/node/$f" "$node_dir/"; done
if ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.nemotron-lock" 2>/dev/null; then
  (cd "$node_dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund >&2)
  cp "$node_dir/package-lock.json" "$node_dir/node_modules/.nemotron-lock"
fi

export JAVA_TOOL_OPTIONS="-XX:ActiveProcessorCount=$threads"   # the Java backend sizes its pool from this
export NEMOTRON_LOG_LEVEL=${NEMOTRON_LOG_LEVEL:-warn}
nemotron="$root/nemotron"
results=$out/results.jsonl
: > "$results"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

for m in $models; do
  weights=$out/$m-f32
  [ -f "$weights/model.safetensors" ] || "$nemotron" init --config "$root/examples/configs/$m/config.json" --out "$weights" --seed 1 --dtype F32 >&2
  for t in $types; do
    gguf=$out/$m-$t.gguf
    [ -f "$gguf" ] || "$nemotron" export gguf --model "$weights" --out "$gguf" --type "$t" >&2
    for b in 1 4; do
      llama=$(cd "$node_dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true node bench.mjs "$gguf" "$isl" "$osl" "$b" "$threads" 1 | tail -1)
      sdk=$("$nemotron" bench --model "$gguf" --isl "$isl" --osl "$osl" --batch "$b" --json 2>/dev/null)
      python3 - "$m" "$t" "$b" "$llama" "$sdk" "$(cut -d' ' -f1 /proc/loadavg)" >> "$results" <<'EOF'
import json, sys
m, t, b, llama, sdk, load = sys.argv[1:]
l, s = json.loads(llama), json.loads(sdk)
print(json.dumps({"model": m, "type": t, "batch": int(b), "load": float(load),
                  "llama_pp": l["prefill_tokens_per_s"], "llama_decode": l["decode_tokens_per_s"],
                  "sdk_pp": s["prefill_tokens_per_s"], "sdk_decode": s["decode_tokens_per_s"],
                  "sdk_roofline_fraction": s.get("roofline_fraction"), "sdk_bandwidth_gb_per_s": s.get("bandwidth_gb_per_s")}))
EOF
      tail -1 "$results" >&2
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print("| model | weights | batch | llama.cpp pp512 tok/s | SDK pp512 tok/s | llama.cpp decode tok/s | SDK decode tok/s | SDK / llama.cpp decode | SDK roofline |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    ratio = r["sdk_decode"] / r["llama_decode"]
    roof = r.get("sdk_roofline_fraction")
    note = " (SDK: F32 after decode)" if r["type"] == "q8_0" else ""
    print(f"| {r['model']} | {r['type']}{note} | {r['batch']} | {r['llama_pp']:.1f} | {r['sdk_pp']:.1f} | {r['llama_decode']:.1f} | "
          f"{r['sdk_decode']:.1f} | {ratio:.2f}x | {'' if roof is None else f'{100*roof:.0f} %'} |")
EOF
