#!/usr/bin/env bash
# FP8 checkpoints, accuracy on the Java backend (docs/benchmarks.md, "FP8 checkpoints"):
#   1. pretrain the quickstart's tiny hybrid (examples/configs/tiny-hybrid) on Moby-Dick, 100 steps
#   2. a BF16 copy of it (F32 -> BF16, round to nearest even), the reference
#   3. nemotron quantize --fp8 of the BF16 copy: 128 x 128 blocks and per channel
#   4. nemotron eval perplexity of the four on Moby-Dick (mostly seen in training) and on
#      docs/training.md (unseen), windows of 256 tokens, the first 16,384 tokens
#   5. logits of 64 random ids: relative error and greedy agreement of FP8 against BF16
# Usage: tools/fp8-perplexity.sh [OUT_DIR]   (from the checkout root, after ./mvnw -o -q package -DskipTests)
# BACKEND=cuda NEMOTRON=.device/nemotron scores on the GPU (FP8 checkpoints then run from their codes
# and scales; python3 with numpy makes the BF16 copy and compares the logits).
set -euo pipefail
out="${1:-runs/fp8-perplexity}"
backend="${BACKEND:-java}"
nemotron="${NEMOTRON:-./nemotron}"   # .device/nemotron on a GPU machine with the device bundle
root="$(pwd)"
mkdir -p "$out"
cat > "$out/pipe.yaml" <<YAML
name: fp8-perplexity
out: $root/$out/run
stages:
  - name: corpus
    type: tokenize
    text: [$root/examples/data/moby-dick.txt]
    tokenizer: $root/examples/tokenizers/nemotron-bpe-2k
    dataset_name: moby-dick
  - name: pretrain
    type: pretrain
    model_config: $root/examples/configs/tiny-hybrid/config.json
    tokenizer: $root/examples/tokenizers/nemotron-bpe-2k
    data: ["\${corpus.dataset}"]
    eval_fraction: 0.02
    eval_every: 50
    steps: 100
    seq_len: 256
    batch: 4
    lr: 3e-3
    warmup: 16
    checkpoint_every: 50
    seed: 1
YAML
"$nemotron" pipeline run "$out/pipe.yaml"
model="$out/run/02-pretrain/model"
python3 - "$model" "$out/bf16" <<'PY'
import json, os, shutil, struct, sys
import numpy as np
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for f in os.listdir(src):
    if f not in ("config.json", "model.safetensors"):
        shutil.copy(os.path.join(src, f), dst)
cfg = json.load(open(os.path.join(src, "config.json")))
cfg.pop("dtype", None)
cfg["torch_dtype"] = "bfloat16"
json.dump(cfg, open(os.path.join(dst, "config.json"), "w"), indent=2)
b = open(os.path.join(src, "model.safetensors"), "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n]); meta = h.pop("__metadata__", None); data = b[8 + n:]
out, blobs, off = {}, [], 0
for name, info in sorted(h.items()):
    s, e = info["data_offsets"]; raw = data[s:e]; dt = info["dtype"]
    if dt == "F32":  # round to nearest even
        a = np.frombuffer(raw, dtype="<u4").astype(np.uint64)
        raw = ((a + 0x7FFF + ((a >> 16) & 1)) >> 16).astype("<u2").tobytes(); dt = "BF16"
    out[name] = {"dtype": dt, "shape": info["shape"], "data_offsets": [off, off + len(raw)]}
    blobs.append(raw); off += len(raw)
if meta:
    out["__metadata__"] = meta
hb = json.dumps(out).encode(); hb += b" " * ((8 - len(hb) % 8) % 8)
open(os.path.join(dst, "model.safetensors"), "wb").write(struct.pack("<Q", len(hb)) + hb + b"".join(blobs))
PY
rm -rf "$out/fp8-block" "$out/fp8-channel"
"$nemotron" quantize --fp8 --model "$out/bf16" --out "$out/fp8-block"
"$nemotron" quantize --fp8 --block channel --model "$out/bf16" --out "$out/fp8-channel"
for text in examples/data/moby-dick.txt docs/training.md; do
  for m in "$model" "$out/bf16" "$out/fp8-block" "$out/fp8-channel"; do
    "$nemotron" eval perplexity --backend "$backend" --model "$m" --text "$text" --window 256 --max-tokens 16384
  done
done
ids=$(python3 -c "import random; random.seed(1); print(','.join(str(random.randrange(3, 2048)) for _ in range(64)))")
for m in bf16 fp8-block fp8-channel; do
  "$nemotron" forward --backend "$backend" --model "$out/$m" --ids "$ids" --out "$out/$m.logits.safetensors" > /dev/null
done
python3 - "$out" <<'PY'
import json, struct, sys
import numpy as np
def load(p):
    b = open(p, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n])["logits"]
    s, e = h["data_offsets"]
    return np.frombuffer(b[8 + n + s:8 + n + e], dtype="<f4").reshape(h["shape"]).astype(np.float64)
a = load(f"{sys.argv[1]}/bf16.logits.safetensors")
for m in ("fp8-block", "fp8-channel"):
    b = load(f"{sys.argv[1]}/{m}.logits.safetensors")
    print(f"{m}: logit rel. error vs BF16 {np.linalg.norm(b - a) / np.linalg.norm(a):.4f}, "
          f"greedy agreement {(a.argmax(1) == b.argmax(1)).sum()}/{a.shape[0]}")
PY
