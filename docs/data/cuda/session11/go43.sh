#!/usr/bin/env bash
# Session 11, call A (training): every helper branch merged (efd4aec0+). The train self-test (session-10
# defaults; NMC_TRAIN_ADAMW=flat, NMC_TRAIN_SCAN_FWD=tf32, NMC_TRAIN_SCAN_STATES=tc, NMC_MAMBA_ELEM=rows
# lines and INFO timings) and the hybrid1b step per switch (the GPU tests are in go44.sh).
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
tb="$nat/nmc_train_bench --seq 4096 --batch 1 --steps 3"
sum() { grep "^{" | sed 's/.*"step_ms": \([0-9.]*\), "tokens_per_s": \([0-9.]*\).*"mfu": \([0-9.]*\).*"loss_last": \([0-9.]*\).*/\1 ms \2 tok\/s mfu \3 loss_last \4/' | cut -c1-120; }
ALL="NMC_TRAIN_ADAMW=flat NMC_TRAIN_SCAN_FWD=tf32 NMC_TRAIN_SCAN_STATES=tc NMC_MAMBA_ELEM=rows"
echo "== train bench hybrid1b (bf16 unless fp8 said)"
for v in "" NMC_TRAIN_ADAMW=flat NMC_TRAIN_SCAN_FWD=tf32 NMC_TRAIN_SCAN_STATES=tc NMC_MAMBA_ELEM=rows "$ALL"; do echo -n "bf16 [$v] "; env $v timeout 40 $tb --preset hybrid1b --dtype bf16 2>&1 | sum; done
for v in "" "$ALL"; do echo -n "fp8 [$v] "; env $v timeout 40 $tb --preset hybrid1b --dtype fp8 2>&1 | sum; done
echo "at $(el) s"
echo "== train selftest"; timeout 330 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "^INFO.*\(TF32\|STATES\|mamba rows\)" /tmp/ts.txt | cut -c1-200
grep "unset == rows\|unset picks\|ADAMW=flat vs\|SCAN_FWD=tf32 vs\|SCAN_STATES=tc vs\|MAMBA_ELEM=rows vs" /tmp/ts.txt | cut -c1-200 | head -12
cp /tmp/ts.txt $OUT/ 2>/dev/null
echo "total $(el) s"
