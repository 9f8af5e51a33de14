#!/usr/bin/env bash
# Session 9, fourth device call: the new defaults (mma prefill + trainer attention, wreg FP8 skinny GEMM)
# validated and timed; decode batch sweep default vs smem; issue18 distill + sftpack. ~450 s.
set -u
out="${OUT:-/tmp/out}"; w=/tmp/w26; mkdir -p "$out" "$w"
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
grep "^FAIL\|rc=\|unset ==" "$w/selftest.txt" | cut -c1-200 | head -12
{ timeout 90 $nat/nmc_train_selftest; echo "train selftest rc=$? at $(el) s"; } > "$w/train-selftest.txt" 2>&1; save
echo "train selftest PASS: $(grep -c ^PASS "$w/train-selftest.txt") FAIL: $(grep -c ^FAIL "$w/train-selftest.txt")"
grep "^FAIL\|rc=\|unset picks" "$w/train-selftest.txt" | cut -c1-220 | head -8
{ timeout 150 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest; echo "rc=$? at $(el) s"; } > "$w/gpu-tests.txt" 2>&1; save
grep -h "tests successful\|tests failed\|rc=\|BF16 rows one\|F32 rows one" "$w/gpu-tests.txt" | cut -c1-160 | head -8
{ for f in channel block; do echo "== $f: default (wreg 16) vs smem"
    timeout 70 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1,9,16,32,64 --isl 128 --osl 32 --prefill 0 --variants ";NMC_SKINNY_KERNEL=smem"; done
  echo "== none: default"; timeout 40 $nat/nmc_bench --preset nano9b --fp8 none --batch 1,64 --isl 128 --osl 32 --prefill 0
  echo "== prefill 8k default, bf16 and fp8 blocks"; timeout 40 $nat/nmc_bench --preset nano9b --batch 1 --isl 128 --osl 2 --prefill 8192
  timeout 40 $nat/nmc_bench --preset nano9b --fp8 block --batch 1 --isl 128 --osl 2 --prefill 8192
  echo "bench at $(el) s"; } > "$w/bench.txt" 2>&1; save
grep "^==\|\"decode\"\|prefill\"\|bench at\|error" "$w/bench.txt" | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 \3 \4/' | cut -c1-160
tb="$nat/nmc_train_bench --seq 4096 --batch 1 --steps 3"
{ for p in "hybrid1b bf16" "hybrid1b fp8" "hybrid260m bf16" "hybrid260m fp8"; do set -- $p
    echo "== $1 $2 (defaults)"; timeout 40 $tb --preset $1 --dtype $2; done; echo "train bench at $(el) s"; } > "$w/train-bench.txt" 2>&1; save
grep "^{\|bench at\|error" "$w/train-bench.txt" | sed 's/"params.*"step_ms"/"step_ms"/; s/"model_tflops.*"mfu"/"mfu"/; s/"fp8_layers.*//' | cut -c1-200
{ timeout 170 plugins/backend-cuda/device/issue18.sh $w/i18 distill sftpack; echo "i18 rc=$? at $(el) s"; } > "$w/i18.txt" 2>&1; save
cat $w/i18/distill-losses.txt $w/i18/sftpack.txt 2>/dev/null | cut -c1-250 | head -20; tail -2 "$w/i18.txt"
rm -rf $w/i18/distill/*/model $w/i18/sftpack/*/model $w/i18/distill/teacher/model 2>/dev/null
gzip -f $w/*.txt; save; echo "total $(el) s"
