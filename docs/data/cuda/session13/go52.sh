#!/usr/bin/env bash
# Session 13, call B: NMC_FP8_QUANT=fused made the default (two-pass the previous), the self-test's
# "unset == default" lines allowing the atomics' run-to-run spread; the train self-test, the GPU
# training test classes and the hybrid1b FP8 / BF16 step under the new defaults.
. plugins/backend-cuda/device/go_common.sh
echo "== train selftest"; timeout 150 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "unset ==\|FP8_QUANT unset" /tmp/ts.txt | cut -c1-300 | head -12
cp /tmp/ts.txt $OUT/
echo "== GPU tests (new defaults)"; timeout 120 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest AlignmentGradientTest DistillGradientTest PackedSftGradientTest DataParallelStepTest > /tmp/lt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|FAIL\|fp8 gradients" /tmp/lt.txt | cut -c1-200 | head -8
cp /tmp/lt.txt $OUT/
echo "== train bench hybrid1b"
tb="$nat/nmc_train_bench --seq 4096 --steps 3 --preset hybrid1b"
for v in "" NMC_FP8_QUANT=two-pass ""; do echo -n "fp8 b1 [$v] "; env $v timeout 40 $tb --batch 1 --dtype fp8 2>&1 | trainsum; done
echo -n "bf16 b1 [] "; timeout 40 $tb --batch 1 --dtype bf16 2>&1 | trainsum
echo -n "fp8 b1 accum 4 [] "; timeout 60 $tb --batch 1 --accum 4 --dtype fp8 2>&1 | trainsum
echo "total $(el) s"
