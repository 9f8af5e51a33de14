#!/usr/bin/env bash
# Session 9, second device call: self-test (PDL lines + everything), decode with NMC_DECODE_PDL variants.
set -u
out="${OUT:-/tmp/out}"; w=/tmp/w24; mkdir -p "$out" "$w"
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$w/device.csv"
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
save() { tar -C "$w" -czf "$out/run.tgz" .; }
V="NMC_DECODE_PDL=0;NMC_DECODE_PDL=1,NMC_DECODE_PDL_PREFETCH_KB=0;NMC_DECODE_PDL=1;NMC_DECODE_PDL=1,NMC_DECODE_PDL_PREFETCH_KB=128"
{ for f in none channel block; do echo "== nano9b $f: PDL variants"
  timeout 90 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1,8,64 --isl 128 --osl 64 --prefill 0 --variants "$V"; done
  echo "bench at $(el) s"; } > "$w/pdl.txt" 2>&1; save
grep "^==\|\"decode\"\|error" "$w/pdl.txt" | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 \3 \4/'
timeout 300 $nat/nmc_selftest > "$w/selftest.txt" 2>&1; echo "selftest rc $? at $(el) s"; save
grep -c "^PASS" "$w/selftest.txt"; grep "^FAIL" "$w/selftest.txt" | head -20; grep "PDL" "$w/selftest.txt" | head -30
gzip -f "$w/selftest.txt"; save; echo "total $(el) s"
