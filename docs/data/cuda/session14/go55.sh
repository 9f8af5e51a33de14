#!/usr/bin/env bash
# Session 14, second call: the fused state passes after go54.sh measured them slower (F5-F6 0.487 against
# 0.355 ms): the shared-memory loop unrolled by 4, the decay and (backward) the S_c tile fetched a
# chunk ahead. The hybrid1b step gemm vs fused, interleaved, the profile's scan lines of each, the
# GPU data-parallel test with its noise floor, then the train self-test's state-pass lines.
. plugins/backend-cuda/device/go_common.sh
tb="$nat/nmc_train_bench --seq 4096 --steps 3 --preset hybrid1b"
for v in gemm fused gemm fused; do echo -n "bf16 b1 [NMC_TRAIN_SCAN_STATES=$v] "; NMC_TRAIN_SCAN_STATES=$v timeout 40 $tb --batch 1 --dtype bf16 2>&1 | trainsum; done
for v in gemm fused; do echo "profile [NMC_TRAIN_SCAN_STATES=$v]"; NMC_PROFILE=1 NMC_TRAIN_SCAN_STATES=$v timeout 40 $tb --batch 1 --dtype bf16 2>&1 | grep "scan\|optimizer"; done
echo "at $(el) s"
echo "== GPU test DataParallelStepTest"; timeout 60 .device/run-gpu-tests.sh DataParallelStepTest > /tmp/lt.txt 2>&1; echo "rc=$? at $(el) s"
grep -h "tests successful\|tests failed\|FAIL\|group of 1\|bound" /tmp/lt.txt | cut -c1-220 | head -8
echo "== train selftest"; timeout 150 $nat/nmc_train_selftest > /tmp/ts.txt 2>/tmp/ts-err.txt; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "SCAN_STATES" /tmp/ts.txt | cut -c1-300 | head -16
grep -A1 "SCAN_STATES=" /tmp/ts-err.txt | cut -c1-300 | head -8
cp /tmp/ts.txt /tmp/ts-err.txt /tmp/lt.txt $OUT/
echo "total $(el) s"
