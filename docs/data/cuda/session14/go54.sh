#!/usr/bin/env bash
# Session 14, one call: the train self-test (session 13's "unset == default" lines that allow the
# scan atomics' run-to-run spread; the new NMC_TRAIN_SCAN_STATES=fused lines, kernels/train_ssd_states.cuh),
# the hybrid1b step with the fused state passes against without (interleaved) and under
# NMC_FP8_QUANT=fused (the default since session 13) against two-pass, the GPU training classes, the
# inference self-test (the FP8 GEMVs' channel-scale product kept out of FMA contraction: session 13's
# four NMC_DECODE_FUSE per-channel beta-1 FAIL lines) and nano9b batch-1/2 decode as a check that it
# costs nothing.
. plugins/backend-cuda/device/go_common.sh
nb="$nat/nmc_bench --preset nano9b --batch 1,2 --isl 128 --osl 64 --prefill 0"
echo "== decode nano9b"
echo "bf16:"; timeout 60 $nb --variants "NMC_DECODE_PDL=0;NMC_DECODE_PDL=0" 2>&1 | grep '"decode' | dec
echo "fp8 channel:"; timeout 60 $nb --fp8 channel --variants "NMC_DECODE_PDL=0;NMC_DECODE_PDL=1;NMC_DECODE_PDL=0;NMC_DECODE_PDL=1" 2>&1 | grep '"decode' | dec
echo "at $(el) s"
echo "== train selftest"; timeout 150 $nat/nmc_train_selftest > /tmp/ts.txt 2>/tmp/ts-err.txt; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "unset ==\|FP8_QUANT unset\|SCAN_STATES" /tmp/ts.txt | cut -c1-300 | head -24
grep -A1 "SCAN_STATES=" /tmp/ts-err.txt | cut -c1-300 | head -8
cp /tmp/ts.txt /tmp/ts-err.txt $OUT/
echo "== train bench hybrid1b"
tb="$nat/nmc_train_bench --seq 4096 --steps 3 --preset hybrid1b"
for v in NMC_TRAIN_SCAN_STATES=gemm NMC_TRAIN_SCAN_STATES=fused NMC_TRAIN_SCAN_STATES=gemm NMC_TRAIN_SCAN_STATES=fused; do echo -n "bf16 b1 [$v] "; env $v timeout 40 $tb --batch 1 --dtype bf16 2>&1 | trainsum; done
for v in "" NMC_FP8_QUANT=two-pass NMC_TRAIN_SCAN_STATES=fused; do echo -n "fp8 b1 [$v] "; env $v timeout 40 $tb --batch 1 --dtype fp8 2>&1 | trainsum; done
echo -n "bf16 b2 accum 2 [NMC_TRAIN_SCAN_STATES=fused] "; NMC_TRAIN_SCAN_STATES=fused timeout 60 $tb --batch 2 --accum 2 --dtype bf16 2>&1 | trainsum
echo "at $(el) s"
echo "== GPU tests"; timeout 120 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest > /tmp/lt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|FAIL\|worst" /tmp/lt.txt | cut -c1-200 | head -12
cp /tmp/lt.txt $OUT/
echo "== selftest (inference)"; timeout 100 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL" /tmp/st.txt | cut -c1-240 | head -10
grep "per-channel beta 1, NMC_DECODE_FUSE" /tmp/st.txt | cut -c1-200 | head -8
cp /tmp/st.txt $OUT/
echo "total $(el) s"
