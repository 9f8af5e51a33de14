#!/usr/bin/env bash
# Session 11, one call for both (device time nearly spent): the hybrid1b step per opt-in training switch,
# nano9b batch-1/2 decode per opt-in inference switch, the train self-test and the inference self-test
# (FAIL and INFO lines). The GPU test classes are in go44.sh.
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
dec() { sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 tok\/s \3 [\4]/'; }
nb="$nat/nmc_bench --preset nano9b --batch 1,2 --isl 128 --osl 64 --prefill 0"
echo "== decode nano9b"
echo -n "bf16: "; timeout 60 $nb --variants "NMC_DECODE_FUSE=0;NMC_DECODE_FUSE=1" 2>&1 | grep '"decode' | dec | tr '\n' ' '; echo
timeout 80 $nb --fp8 channel --variants "NMC_GEMV_FP8=old;NMC_GEMV_FP8=xreg;NMC_DECODE_FUSE=1;NMC_GEMV_FP8=xreg,NMC_DECODE_FUSE=1" 2>&1 | grep '"decode' | dec
echo "fp8 head:"; NMC_FP8_LM_HEAD=1 timeout 80 $nb --fp8 channel --variants "NMC_GEMV_FP8=old;NMC_GEMV_FP8=xreg,NMC_DECODE_FUSE=1" 2>&1 | grep '"decode' | dec
echo "at $(el) s"
echo "== train selftest"; timeout 200 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "^INFO.*\(TF32\|STATES\|mamba rows\)" /tmp/ts.txt | cut -c1-200
grep "unset == rows\|unset picks\|ADAMW=flat vs\|SCAN_FWD=tf32 vs\|SCAN_STATES=tc vs\|MAMBA_ELEM=rows vs" /tmp/ts.txt | cut -c1-200 | head -12
echo "== selftest (inference)"; timeout 120 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL" /tmp/st.txt | cut -c1-240 | head -10
grep "^INFO \(decode fuse\|lm_head\|gemv fp8 batch\)" /tmp/st.txt | cut -c1-220 | head -16
cp /tmp/ts.txt /tmp/st.txt $OUT/ 2>/dev/null
echo "total $(el) s"
