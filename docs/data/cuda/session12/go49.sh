#!/usr/bin/env bash
# Session 12, call D: NMC_FP8_QUANT=fused (the FP8 recipe's dY and weights quantised once for both
# orientations) against unset on the hybrid1b FP8 step, the FP8 step's profile with the quantisation
# priced (fp8.quant.* stages), the train self-test's fp8 quant lines; and the decode fusions of the
# NMC_DECODE_FUSE helper branch plus PDL on nano9b. Run with .devpack carried.
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
tb="$nat/nmc_train_bench --seq 4096 --steps 3 --preset hybrid1b"
sum() { grep "^{" | sed 's/.*"step_ms": \([0-9.]*\), "tokens_per_s": \([0-9.]*\).*"mfu": \([0-9.]*\).*"loss_last": \([0-9.]*\).*/\1 ms \2 tok\/s mfu \3 loss_last \4/' | cut -c1-120; }
echo "== train bench hybrid1b (interleaved)"
for i in 1 2; do
  echo -n "bf16 [] "; timeout 40 $tb --batch 1 --dtype bf16 2>&1 | sum
  echo -n "fp8 [] "; timeout 40 $tb --batch 1 --dtype fp8 2>&1 | sum
  echo -n "fp8 [NMC_FP8_QUANT=fused] "; NMC_FP8_QUANT=fused timeout 40 $tb --batch 1 --dtype fp8 2>&1 | sum
done
echo -n "fp8 b2 [NMC_FP8_QUANT=fused] "; NMC_FP8_QUANT=fused timeout 50 $tb --batch 2 --dtype fp8 2>&1 | sum
echo "== fp8 profile (fused)"; NMC_FP8_QUANT=fused NMC_PROFILE=1 timeout 40 $tb --batch 1 --dtype fp8 > $OUT/profile_fp8.txt 2>&1; grep "fp8\.\|optimizer\|mamba.fwd.scan\|mamba.bwd.scan\|mfu" $OUT/profile_fp8.txt | cut -c1-160
echo "at $(el) s"
dec() { sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 tok\/s \3 [\4]/'; }
nb="$nat/nmc_bench --preset nano9b --batch 1,2 --isl 128 --osl 64 --prefill 0"
V="NMC_DECODE_PDL=0;NMC_DECODE_PDL=1;NMC_DECODE_FUSE=1;NMC_DECODE_FUSE=1,NMC_DECODE_PDL=1;NMC_DECODE_PDL=0;NMC_DECODE_PDL=1"
echo "== decode nano9b"
echo "bf16:"; timeout 100 $nb --variants "$V" 2>&1 | grep '"decode' | dec
echo "fp8 channel:"; timeout 100 $nb --fp8 channel --variants "$V" 2>&1 | grep '"decode' | dec
echo "at $(el) s"
echo "== train selftest"; timeout 220 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL" /tmp/ts.txt | cut -c1-260 | head -12
grep "fp8 quant\|FP8_QUANT" /tmp/ts.txt | cut -c1-220 | head -20
cp /tmp/ts.txt $OUT/
echo "== selftest (inference)"; timeout 150 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt) at $(el) s"
grep "^FAIL" /tmp/st.txt | cut -c1-240 | head -10
grep "^INFO decode fuse\|NMC_DECODE_PDL" /tmp/st.txt | cut -c1-200 | head -16
cp /tmp/st.txt $OUT/
echo "total $(el) s"
