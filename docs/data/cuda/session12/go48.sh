#!/usr/bin/env bash
# Session 12, call C: the new training defaults (NMC_MAMBA_ELEM rows, NMC_TRAIN_SCAN_FWD tf32) validated
# (train self-test, the GPU training test classes) and timed; batch-1/2 nano9b decode with
# NMC_DECODE_PDL=1 against unset (interleaved, twice each), BF16 and FP8 per channel, and the inference
# self-test. Run with .devpack carried (plugins/backend-cuda/device/bundle.sh).
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
dec() { sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 tok\/s \3 [\4]/'; }
nb="$nat/nmc_bench --preset nano9b --batch 1,2 --isl 128 --osl 64 --prefill 0"
V="NMC_DECODE_PDL=0;NMC_DECODE_PDL=1;NMC_DECODE_PDL=0;NMC_DECODE_PDL=1"
echo "== decode nano9b, PDL"
echo "bf16:"; timeout 90 $nb --variants "$V" 2>&1 | grep '"decode' | dec
echo "fp8 channel:"; timeout 90 $nb --fp8 channel --variants "$V" 2>&1 | grep '"decode' | dec
echo "fp8 channel, fp8 head:"; NMC_FP8_LM_HEAD=1 timeout 90 $nb --fp8 channel --variants "$V" 2>&1 | grep '"decode' | dec
echo "fp8 block 128:"; timeout 90 $nb --fp8 block --variants "NMC_DECODE_PDL=0;NMC_DECODE_PDL=1" 2>&1 | grep '"decode' | dec
echo "at $(el) s"
echo "== selftest (inference)"; timeout 150 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL" /tmp/st.txt | cut -c1-240 | head -10
grep "NMC_DECODE_PDL" /tmp/st.txt | cut -c1-200 | head -14
cp /tmp/st.txt $OUT/
echo "== train bench hybrid1b, new defaults"
tb="$nat/nmc_train_bench --seq 4096 --steps 3"
sum() { grep "^{" | sed 's/.*"step_ms": \([0-9.]*\), "tokens_per_s": \([0-9.]*\).*"mfu": \([0-9.]*\).*"loss_last": \([0-9.]*\).*/\1 ms \2 tok\/s mfu \3 loss_last \4/' | cut -c1-120; }
for d in bf16 fp8; do echo -n "$d b1 [defaults] "; timeout 40 $tb --batch 1 --preset hybrid1b --dtype $d 2>&1 | sum; done
echo -n "bf16 b1 [NMC_MAMBA_ELEM=old NMC_TRAIN_SCAN_FWD=fp32] "; NMC_MAMBA_ELEM=old NMC_TRAIN_SCAN_FWD=fp32 timeout 40 $tb --batch 1 --preset hybrid1b --dtype bf16 2>&1 | sum
echo -n "bf16 b2 [defaults] "; timeout 50 $tb --batch 2 --preset hybrid1b --dtype bf16 2>&1 | sum
echo -n "fp8 b2 [defaults] "; timeout 50 $tb --batch 2 --preset hybrid1b --dtype fp8 2>&1 | sum
echo -n "bf16 260m b1 [defaults] "; timeout 30 $tb --batch 1 --preset hybrid260m --dtype bf16 2>&1 | sum
echo "at $(el) s"
echo "== train selftest"; timeout 200 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "MAMBA_ELEM\|SCAN_FWD" /tmp/ts.txt | cut -c1-240 | head -12
cp /tmp/ts.txt $OUT/
echo "== GPU tests (new defaults)"; timeout 240 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest > /tmp/lt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|worst\|relative" /tmp/lt.txt | cut -c1-200 | head -24
cp /tmp/lt.txt $OUT/
echo "total $(el) s"
