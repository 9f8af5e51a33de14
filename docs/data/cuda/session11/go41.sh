#!/usr/bin/env bash
# Session 11, first device call: validate the session-10 defaults (rows scan, mma-bwd attention backward,
# kept activations) with the train self-test and the 7 GPU training test classes; the inference self-test
# (sm_count refactor, xreg FP8 GEMV lines); the step; NMC_GEMV_FP8=old vs xreg at batch 1-2.
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
echo "== train selftest"; timeout 120 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL\|unset == rows\|unset picks" /tmp/ts.txt | cut -c1-200 | head -6
echo "== selftest (inference)"; timeout 100 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL\|INFO gemv fp8" /tmp/st.txt | cut -c1-200 | head -10
tb="$nat/nmc_train_bench --seq 4096 --batch 1 --steps 3"
sum() { grep "^{" | sed 's/"params.*"step_ms"/"step_ms"/; s/"model_tflops.*"mfu"/"mfu"/; s/"fp8_layers.*"attention"/"attention"/; s/"fp8_peak.*//' | cut -c1-170; }
echo "== train bench (defaults)"; for d in bf16 fp8; do timeout 40 $tb --preset hybrid1b --dtype $d 2>&1 | sum; done
echo "== decode: NMC_GEMV_FP8 old vs xreg"
for f in channel block; do timeout 60 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1,2 --isl 128 --osl 64 --prefill 0 --variants "NMC_GEMV_FP8=old;NMC_GEMV_FP8=xreg" 2>&1 | grep '"decode' | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/'$f' b\1 \2 tok\/s \3 \4/'; done
echo "== GPU tests (defaults)"; timeout 200 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest > /tmp/gt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed" /tmp/gt.txt | head -4
echo "total $(el) s"
