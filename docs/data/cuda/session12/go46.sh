#!/usr/bin/env bash
# Session 12, call A (training): the hybrid1b step under each opt-in switch of session 11 alone and all
# together (BF16; FP8 recipe default and all), one batch-2 step (the optimizer's share halves), the
# step's profile under all switches, and the train self-test (FAIL lines, the switches' comparison lines,
# INFO timings). Run with .devpack carried (plugins/backend-cuda/device/bundle.sh).
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
tb="$nat/nmc_train_bench --seq 4096 --steps 3"
sum() { grep "^{" | sed 's/.*"step_ms": \([0-9.]*\), "tokens_per_s": \([0-9.]*\).*"mfu": \([0-9.]*\).*"loss_last": \([0-9.]*\).*/\1 ms \2 tok\/s mfu \3 loss_last \4/' | cut -c1-120; }
ALL="NMC_TRAIN_ADAMW=flat NMC_TRAIN_SCAN_FWD=tf32 NMC_TRAIN_SCAN_STATES=tc NMC_MAMBA_ELEM=rows"
echo "== train bench hybrid1b seq 4096 (bf16 unless fp8 said)"
for v in "" NMC_TRAIN_ADAMW=flat NMC_TRAIN_SCAN_FWD=tf32 NMC_TRAIN_SCAN_STATES=tc NMC_MAMBA_ELEM=rows "$ALL"; do echo -n "bf16 b1 [$v] "; env $v timeout 40 $tb --batch 1 --preset hybrid1b --dtype bf16 2>&1 | sum; done
for v in "" "$ALL"; do echo -n "fp8 b1 [$v] "; env $v timeout 40 $tb --batch 1 --preset hybrid1b --dtype fp8 2>&1 | sum; done
for v in "" "$ALL"; do echo -n "bf16 b2 [$v] "; env $v timeout 50 $tb --batch 2 --preset hybrid1b --dtype bf16 2>&1 | sum; done
echo -n "bf16 260m b1 [$ALL] "; env $ALL timeout 30 $tb --batch 1 --preset hybrid260m --dtype bf16 2>&1 | sum
echo "at $(el) s"
echo "== profile, all switches"; env $ALL NMC_PROFILE=1 timeout 40 $tb --batch 1 --preset hybrid1b --dtype bf16 > $OUT/profile_all.txt 2>&1; tail -40 $OUT/profile_all.txt | cut -c1-160
echo "== train selftest"; timeout 240 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "^INFO.*\(TF32\|STATES\|mamba rows\|adamw\|AdamW\)" /tmp/ts.txt | cut -c1-200
grep "unset == rows\|unset picks\|ADAMW=flat vs\|SCAN_FWD=tf32 vs\|SCAN_STATES=tc vs\|MAMBA_ELEM=rows vs" /tmp/ts.txt | cut -c1-200 | head -12
cp /tmp/ts.txt $OUT/ 2>/dev/null
echo "total $(el) s"
