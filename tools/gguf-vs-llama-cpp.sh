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
#     Q8_0 is decoded to F32 on import and quantized back at load with --weights q8_0)
# prompt processing of 512 random tokens, greedy decode of OSL tokens at batch 1, and aggregate decode
# with 4 concurrent sequences; both on 2 threads (THREADS=N to change). Results: $OUT/results-tN.jsonl and a
# markdown table on stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/runs/gguf-bench}
models=${MODELS:-"bench-100m hybrid-260m"}
types=${TYPES:-"f32 bf16 q8_0"}
isl=${ISL:-512}      # prompt of the batch-1 run: prompt processing is measured there
isl4=${ISL4:-64}     # prompts of the 4-sequence run, which measures aggregate decode only
osl=${OSL:-64}
threads=${THREADS:-2}   # both runtimes; the issue asks for 2
node_dir=$out/node
mkdir -p "$out" "$node_dir"
command -v node >/dev/null || { echo "error: node not found on PATH (needed for llama.cpp through node-llama-cpp)" >&2; exit 2; }

# node-llama-cpp, pinned by the test's lock file; prebuilt binaries only
for f in package.json package-lock.json bench.mjs; do cp "$root/nemotron-gguf/src/test/node/$f" "$node_dir/"; done
if ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.nemotron-lock" 2>/dev/null; then
  (cd "$node_dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --omit=optional --no-audit --no-fund >&2)
  cp "$node_dir/package-lock.json" "$node_dir/node_modules/.nemotron-lock"
fi

export JAVA_TOOL_OPTIONS="-XX:ActiveProcessorCount=$threads"   # the Java backend sizes its pool from this
export NEMOTRON_LOG_LEVEL=${NEMOTRON_LOG_LEVEL:-warn}
nemotron="$root/nemotron"
results=$out/results-t$threads.jsonl
: > "$results"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "threads: $threads"
} | tee "$out/machine-t$threads.txt"

for m in $models; do
  weights=$out/$m-f32
  [ -f "$weights/model.safetensors" ] || "$nemotron" init --config "$root/examples/configs/$m/config.json" --out "$weights" --seed 1 --dtype F32 >&2
  for t in $types; do
    gguf=$out/$m-$t.gguf
    [ -f "$gguf" ] || "$nemotron" export gguf --model "$weights" --out "$gguf" --type "$t" >&2
    for b in 1 4; do
      n=$([ "$b" = 1 ] && echo "$isl" || echo "$isl4")
      llama=$(cd "$node_dir" && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true node bench.mjs "$gguf" "$n" "$osl" "$b" "$threads" 1 | tail -1)
      # Q8_0: the import decodes the blocks to F32 and --weights q8_0 quantizes them back at load
      # (GGML's rule, so the same blocks): the Java backend's Q8_0 kernels read 34 bytes per 32 weights
      wflag=$([ "$t" = q8_0 ] && echo "--weights q8_0" || true)
      sdk=$("$nemotron" bench --model "$gguf" $wflag --isl "$n" --osl "$osl" --batch "$b" --json 2>/dev/null)
      python3 - "$m" "$t" "$b" "$llama" "$sdk" "$(cut -d' ' -f1 /proc/loadavg)" "$n" >> "$results" <<'EOF'
import json, sys
m, t, b, llama, sdk, load, n = sys.argv[1:]
l, s = json.loads(llama), json.loads(sdk)
print(json.dumps({"model": m, "type": t, "batch": int(b), "load": float(load), "prompt_tokens": int(n),
                  "llama_pp": l["prefill_tokens_per_s"], "llama_decode": l["decode_tokens_per_s"],
                  "sdk_pp": s.get("prefill_tokens_per_s"), "sdk_decode": s.get("decode_tokens_per_s"),
                  "sdk_roofline_fraction": s.get("roofline_fraction"), "sdk_bandwidth_gb_per_s": s.get("bandwidth_gb_per_s")}))
EOF
      tail -1 "$results" >&2
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine-t$threads.txt"

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
f = lambda x: "n/a" if x is None else f"{x:.1f}"
print("| model | weights | sequences | llama.cpp prompt tok/s | SDK prompt tok/s | llama.cpp decode tok/s | SDK decode tok/s | SDK / llama.cpp decode | SDK roofline | load |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    sd = r["sdk_decode"]
    ratio = "n/a" if sd is None else f"{sd / r['llama_decode']:.2f}x"
    roof = r.get("sdk_roofline_fraction")
    pp = "pp" + str(r.get("prompt_tokens", 512 if r["batch"] == 1 else 64))
    print(f"| {r['model']} | {r['type']} | {r['batch']} | {f(r['llama_pp'])} ({pp}) | {f(r['sdk_pp'])} | {f(r['llama_decode'])} | "
          f"{f(sd)} | {ratio} | {'' if roof is None else f'{100*roof:.0f} %'} | {r['load']:.0f} |")
EOF
