#!/usr/bin/env bash
# Session 10, final device call (short: little device time left): validate the new defaults (keep
# activations, rows scan, mma-bwd backward, float4 AdamW, FP8 recipe on the BF16 scan) with the train
# self-test and the 17 GPU tests; time the step; NMC_GEMV_FP8=xreg (opt-in) against old at batch 1-2.
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
echo "== train selftest"; timeout 120 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL\|unset == rows\|unset picks\|sequential: recomputes" /tmp/ts.txt | cut -c1-240
echo "== GPU tests (defaults)"; timeout 130 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DataParallelStepTest > /tmp/gt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|BF16 rows one\|F32 rows one" /tmp/gt.txt | cut -c1-160 | head -8
tb="$nat/nmc_train_bench --seq 4096 --batch 1 --steps 3"
sum() { grep "^{" | sed 's/"params.*"step_ms"/"step_ms"/; s/"model_tflops.*"mfu"/"mfu"/; s/"fp8_layers.*"attention"/"attention"/; s/"fp8_peak.*//' | cut -c1-170; }
echo "== train bench (defaults)"; for d in bf16 fp8; do timeout 40 $tb --preset hybrid1b --dtype $d 2>&1 | sum; done
echo "== selftest (inference)"; timeout 100 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL\|INFO gemv fp8" /tmp/st.txt | cut -c1-200 | head -14
echo "== decode: NMC_GEMV_FP8 old vs xreg"
for f in channel block; do timeout 60 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1,2 --isl 128 --osl 64 --prefill 0 --variants "NMC_GEMV_FP8=old;NMC_GEMV_FP8=xreg" 2>&1 | grep '"decode' | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/'$f' b\1 \2 tok\/s \3 \4/'; done
echo "total $(el) s"
