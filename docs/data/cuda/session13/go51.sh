#!/usr/bin/env bash
# Session 13, call A (go50.sh of session 12 plus --accum and a profile without the warm-up step): nano9b
# batch-1/2 decode with NMC_DECODE_PDL and NMC_DECODE_FUSE (now with relu^2, gated norm and conv inside
# the GEMVs) against unset, interleaved; the hybrid1b step with the new training defaults, the previous
# kernels, and NMC_FP8_QUANT=fused; both self-tests and the GPU training test classes.
. plugins/backend-cuda/device/go_common.sh
nb="$nat/nmc_bench --preset nano9b --batch 1,2 --isl 128 --osl 64 --prefill 0"
V="NMC_DECODE_PDL=0;NMC_DECODE_PDL=1;NMC_DECODE_FUSE=1;NMC_DECODE_FUSE=1,NMC_DECODE_PDL=1;NMC_DECODE_PDL=0;NMC_DECODE_PDL=1"
echo "== decode nano9b"
echo "bf16:"; timeout 100 $nb --variants "$V" 2>&1 | grep '"decode' | dec
echo "fp8 channel:"; timeout 100 $nb --fp8 channel --variants "$V" 2>&1 | grep '"decode' | dec
echo "at $(el) s"
echo "== selftest (inference)"; timeout 100 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL" /tmp/st.txt | cut -c1-240 | head -10
grep "NMC_DECODE_PDL\|^INFO decode fuse" /tmp/st.txt | cut -c1-200 | head -24
cp /tmp/st.txt $OUT/
echo "== train selftest"; timeout 150 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "MAMBA_ELEM\|SCAN_FWD\|FP8_QUANT\|INFO fp8 quant" /tmp/ts.txt | cut -c1-220 | head -20
cp /tmp/ts.txt $OUT/
echo "== GPU tests (new defaults)"; timeout 120 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest > /tmp/lt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|FAIL\|worst" /tmp/lt.txt | cut -c1-200 | head -16
cp /tmp/lt.txt $OUT/
echo "== train bench hybrid1b"
tb="$nat/nmc_train_bench --seq 4096 --steps 3 --preset hybrid1b"
for v in "" "NMC_MAMBA_ELEM=old NMC_TRAIN_SCAN_FWD=fp32"; do echo -n "bf16 b1 [$v] "; env $v timeout 40 $tb --batch 1 --dtype bf16 2>&1 | trainsum; done
for v in "" NMC_FP8_QUANT=fused "" NMC_FP8_QUANT=fused; do echo -n "fp8 b1 [$v] "; env $v timeout 40 $tb --batch 1 --dtype fp8 2>&1 | trainsum; done
echo -n "bf16 b2 [] "; timeout 50 $tb --batch 2 --dtype bf16 2>&1 | trainsum
echo -n "fp8 b2 [NMC_FP8_QUANT=fused] "; NMC_FP8_QUANT=fused timeout 50 $tb --batch 2 --dtype fp8 2>&1 | trainsum
echo "at $(el) s"
echo "== accumulation (global batch 4 x 4096 tokens, one AdamW step)"
echo -n "bf16 b1 accum 4 [] "; timeout 60 $tb --batch 1 --accum 4 --dtype bf16 2>&1 | trainsum
echo -n "bf16 b2 accum 2 [] "; timeout 60 $tb --batch 2 --accum 2 --dtype bf16 2>&1 | trainsum
echo -n "fp8 b1 accum 4 [NMC_FP8_QUANT=fused] "; NMC_FP8_QUANT=fused timeout 60 $tb --batch 1 --accum 4 --dtype fp8 2>&1 | trainsum
echo "== profile bf16 b1 (first step left out)"; NMC_PROFILE=1 timeout 40 $tb --batch 1 --dtype bf16 > $OUT/profile13.txt 2>&1; grep -v "^ *$" $OUT/profile13.txt | cut -c1-120 | tail -32
echo "total $(el) s"
