#!/usr/bin/env bash
# Session 12, call B (inference; = session 11 go44.sh): the inference self-test (NMC_DECODE_FUSE, FP8 lm_head, xreg lines), the
# 7 GPU training test classes and the FP8 lm_head GPU test, and nano9b batch-1 decode: BF16 against FP8 per channel under each opt-in switch.
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
dec() { sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 tok\/s \3 [\4]/'; }
nb="$nat/nmc_bench --preset nano9b --batch 1,2 --isl 128 --osl 64 --prefill 0"
echo "== decode nano9b"
echo -n "bf16: "; timeout 60 $nb --variants "NMC_DECODE_FUSE=0;NMC_DECODE_FUSE=1" 2>&1 | grep '"decode' | dec | tr '\n' ' '; echo
timeout 80 $nb --fp8 channel --variants "NMC_GEMV_FP8=old;NMC_GEMV_FP8=xreg;NMC_DECODE_FUSE=1;NMC_GEMV_FP8=xreg,NMC_DECODE_FUSE=1" 2>&1 | grep '"decode' | dec
echo "fp8 head:"; NMC_FP8_LM_HEAD=1 timeout 80 $nb --fp8 channel --variants "NMC_GEMV_FP8=old;NMC_GEMV_FP8=xreg,NMC_DECODE_FUSE=1" 2>&1 | grep '"decode' | dec
echo "at $(el) s"
echo "== selftest (inference)"; timeout 150 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL" /tmp/st.txt | cut -c1-240 | head -10
grep "^INFO \(decode fuse\|lm_head\|gemv fp8 batch\)" /tmp/st.txt | cut -c1-220 | head -16
echo "== GPU tests (defaults) + Fp8LmHeadGpuTest"; timeout 240 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest Fp8LmHeadGpuTest > /tmp/lt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|FP8 lm_head" /tmp/lt.txt | cut -c1-200 | head -10
cp /tmp/st.txt /tmp/lt.txt $OUT/ 2>/dev/null
echo "total $(el) s"
