#!/usr/bin/env bash
# Session 9, third device call: validate the merged kernels (mma prefill/train attention, wreg skinny GEMM,
# latency-batched training SSD passes), then time them against the defaults in the same process. ~450 s.
set -u
out="${OUT:-/tmp/out}"; w=/tmp/w25; mkdir -p "$out" "$w"
t0=$SECONDS; export NCCL_NVLS_ENABLE=0
el() { echo $((SECONDS-t0)); }
save() { tar -C "$w" -czf "$out/run.tgz" . 2>/dev/null; }
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$w/device.csv"
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
p="$(python3 -c 'import os, nvidia.nccl as n; print(os.path.join(list(n.__path__)[0], "lib", "libnccl.so.2"))' 2>/dev/null || true)"
[ -n "$p" ] && [ -f "$p" ] && export NMC_NCCL_LIBRARY="$p"
nat=.device/native
{ timeout 60 $nat/nmc_selftest; echo "selftest rc=$? at $(el) s"; } > "$w/selftest.txt" 2>&1; save
echo "selftest PASS: $(grep -c ^PASS "$w/selftest.txt") FAIL: $(grep -c ^FAIL "$w/selftest.txt")"
grep "^FAIL\|rc=\|INFO prefill attention" "$w/selftest.txt" | cut -c1-250 | head -14
{ timeout 90 $nat/nmc_train_selftest; echo "train selftest rc=$? at $(el) s"; } > "$w/train-selftest.txt" 2>&1; save
echo "train selftest PASS: $(grep -c ^PASS "$w/train-selftest.txt") FAIL: $(grep -c ^FAIL "$w/train-selftest.txt")"
grep "^FAIL\|rc=\|steps (ms)\|INFO scan\|INFO train attention timing\|mma vs flash" "$w/train-selftest.txt" | cut -c1-300 | head -16
{ echo "== prefill 8k default"; timeout 40 $nat/nmc_bench --preset nano9b --batch 1 --isl 128 --osl 2 --prefill 8192
  echo "== prefill 8k mma"; NMC_PREFILL_ATTENTION=mma timeout 40 $nat/nmc_bench --preset nano9b --batch 1 --isl 128 --osl 2 --prefill 8192
  echo "== prefill 8k fp8 blocks mma"; NMC_PREFILL_ATTENTION=mma timeout 40 $nat/nmc_bench --preset nano9b --fp8 block --batch 1 --isl 128 --osl 2 --prefill 8192
  echo "prefill at $(el) s"; } > "$w/prefill.txt" 2>&1; save
grep "^==\|prefill\"\|prefill at\|error" "$w/prefill.txt" | cut -c1-200
tb="$nat/nmc_train_bench --seq 4096 --batch 1 --steps 3"
{ for p in "hybrid1b bf16" "hybrid1b fp8" "hybrid260m bf16"; do set -- $p
    echo "== $1 $2 (defaults)"; timeout 40 $tb --preset $1 --dtype $2
    echo "== $1 $2 NMC_TRAIN_ATTENTION=mma"; NMC_TRAIN_ATTENTION=mma timeout 40 $tb --preset $1 --dtype $2; done
  echo "train bench at $(el) s"; } > "$w/train-bench.txt" 2>&1; save
grep "^==\|^{\|bench at\|error" "$w/train-bench.txt" | sed 's/"params.*"step_ms"/"step_ms"/; s/"model_tflops.*"mfu"/"mfu"/; s/"fp8_layers.*//' | cut -c1-200
{ timeout 150 plugins/backend-cuda/device/issue16.sh $w/i16 decode64; echo "decode64 rc=$? at $(el) s"; } > "$w/decode64.txt" 2>&1; save
for f in $w/i16/decode64-nano9b-*-wreg.json $w/i16/decode-nano9b-channel-wreg-batches.json; do echo "-- $(basename $f)"; grep '"decode"' $f | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 \3 \4/'; done
tail -1 "$w/decode64.txt"
{ timeout 140 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest; echo "rc=$? at $(el) s"; } > "$w/gpu-tests.txt" 2>&1; save
grep -h "FAIL\|tests successful\|tests failed\|rc=\|worst relative" "$w/gpu-tests.txt" | cut -c1-200 | head -24
gzip -f $w/*.txt; save; echo "total $(el) s"
