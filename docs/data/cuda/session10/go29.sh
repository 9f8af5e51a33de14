#!/usr/bin/env bash
# Session 10, device call: validate and time (1) NMC_TRAIN_KEEP_ACTIVATIONS (new default), (2) the FP8
# recipe's tc scan (new default), (3) NMC_SCAN_ELEM=rows and (4) NMC_TRAIN_ATTENTION=mma-bwd (opt-in);
# stage profiles of the hybrid1b step and batch-1 decode. Everything to stdout. ~450 s.
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
echo "== train selftest"; NMC_SCAN_STEPS=1 timeout 130 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $(el) s"
grep "^FAIL\|activations\|KEEP_ACT\|steps (ms)\|INFO train attention timing\|INFO scan\|rows vs flat\|mma-bwd" /tmp/ts.txt | cut -c1-300 | head -60
tb="$nat/nmc_train_bench --seq 4096 --batch 1 --steps 3"
sum() { grep "^{" | sed 's/"params.*"step_ms"/"step_ms"/; s/"model_tflops.*"mfu"/"mfu"/; s/"fp8_layers.*"attention"/"attention"/; s/"fp8_peak.*//' | cut -c1-200; }
for p in "hybrid1b bf16" "hybrid1b fp8"; do set -- $p
  echo "== $1 $2: [recompute=0 (old)] [fp8: +chunked scan (old)] [defaults] [rows] [mma-bwd] [rows+mma-bwd]"
  NMC_TRAIN_KEEP_ACTIVATIONS=0 timeout 60 $tb --preset $1 --dtype $2 2>&1 | sum
  [ $2 = fp8 ] && NMC_TRAIN_KEEP_ACTIVATIONS=0 NMC_TRAIN_SCAN=chunked timeout 60 $tb --preset $1 --dtype $2 2>&1 | sum
  timeout 60 $tb --preset $1 --dtype $2 2>&1 | sum
  NMC_SCAN_ELEM=rows timeout 60 $tb --preset $1 --dtype $2 2>&1 | sum
  NMC_TRAIN_ATTENTION=mma-bwd timeout 60 $tb --preset $1 --dtype $2 2>&1 | sum
  NMC_SCAN_ELEM=rows NMC_TRAIN_ATTENTION=mma-bwd timeout 60 $tb --preset $1 --dtype $2 2>&1 | sum
done
echo "== hybrid260m bf16: [defaults] [rows+mma-bwd]"; timeout 60 $tb --preset hybrid260m --dtype bf16 2>&1 | sum
NMC_SCAN_ELEM=rows NMC_TRAIN_ATTENTION=mma-bwd timeout 60 $tb --preset hybrid260m --dtype bf16 2>&1 | sum
echo "bench at $(el) s"
echo "== selftest (inference; the skinny split-K dedup)"; timeout 90 $nat/nmc_selftest > /tmp/st.txt 2>&1; echo "rc=$? PASS $(grep -c ^PASS /tmp/st.txt) FAIL $(grep -c ^FAIL /tmp/st.txt)"
grep "^FAIL" /tmp/st.txt | cut -c1-200 | head
timeout 60 $nat/nmc_bench --preset nano9b --fp8 channel --batch 16,64 --isl 128 --osl 32 --prefill 0 2>&1 | grep '"decode' | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*/b\1 tok\/s \2 roofline \3/'
echo "== GPU tests under rows + mma-bwd"; NMC_SCAN_ELEM=rows NMC_TRAIN_ATTENTION=mma-bwd timeout 150 .device/run-gpu-tests.sh TrainingGradientTest TrainingStepTest Fp8TrainingGradientTest DistillGradientTest PackedSftGradientTest > /tmp/gt.txt 2>&1; echo "rc=$?"
grep -h "tests successful\|tests failed\|FAILED\|BF16 rows one\|F32 rows one" /tmp/gt.txt | cut -c1-200 | head -12
for d in bf16 fp8; do echo "== train hybrid1b $d profile (rows + mma-bwd)"
  NMC_SCAN_ELEM=rows NMC_TRAIN_ATTENTION=mma-bwd NMC_PROFILE=1 timeout 60 $tb --preset hybrid1b --dtype $d 2>&1 | grep -v "^INFO\|^{" | cut -c1-100
done; echo "profile at $(el) s"
for f in none channel; do echo "== decode b1 nano9b fp8=$f graphs on / off+profile"
  timeout 60 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1 --isl 128 --osl 64 --prefill 0 2>&1 | grep '"decode' | sed 's/.*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*/tok\/s \1 roofline \2/'
  NMC_PROFILE=1 timeout 60 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1 --isl 128 --osl 64 --prefill 0 --graphs 0 2>&1 | grep -v "^INFO\|^{" | grep "decode\|total" | cut -c1-100
done; echo "decode at $(el) s"
echo "total $(el) s"
