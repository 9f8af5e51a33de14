#!/usr/bin/env bash
# Session 9, first device call: per-kernel GPU time of batch-1 decode (BF16, FP8 channel) and the 8k prefill (nsys), defaults benched on this card.
set -u
out="${OUT:-/tmp/out}"; w=/tmp/w23; mkdir -p "$out" "$w"
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv | tee "$w/device.csv"
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
NSYS=$(command -v nsys || ls /usr/local/cuda*/bin/nsys /opt/nvidia/nsight-systems/*/bin/nsys 2>/dev/null | head -1)
echo "nsys: ${NSYS:-none}" | tee "$w/tools.txt"
prof() { # name, args...
  local n=$1; shift
  if [ -n "$NSYS" ]; then
    timeout 100 "$NSYS" profile -q --cuda-graph-trace=node -t cuda -o "$w/$n" -f true $nat/nmc_bench "$@" > "$w/$n.bench.txt" 2>&1
    timeout 60 "$NSYS" stats -q --report cuda_gpu_kern_sum --format csv -o "$w/$n" "$w/$n.nsys-rep" > /dev/null 2>&1
    rm -f "$w/$n.nsys-rep" "$w/$n.sqlite"
  else
    NMC_PROFILE=1 timeout 100 $nat/nmc_bench "$@" > "$w/$n.bench.txt" 2>&1
  fi
  echo "$n at $(el) s"
}
prof b1-bf16 --preset nano9b --fp8 none --batch 1 --isl 128 --osl 64 --prefill 0
prof b1-fp8 --preset nano9b --fp8 channel --batch 1 --isl 128 --osl 64 --prefill 0
prof prefill8k --preset nano9b --batch 1 --isl 128 --osl 2 --prefill 8192
{ echo "== defaults on this card"; for f in none channel block; do
  timeout 60 $nat/nmc_bench --preset nano9b --fp8 $f --batch 1,8,64 --isl 128 --osl 64 --prefill 0; done
  timeout 60 $nat/nmc_bench --preset nano9b --batch 1 --isl 128 --osl 2 --prefill 8192; echo "at $(el) s"; } > "$w/bench.txt" 2>&1
tar -C "$w" -czf "$out/run.tgz" .
for f in "$w"/*_cuda_gpu_kern_sum.csv; do [ -f "$f" ] || continue; echo "== $f"; head -25 "$f" | cut -c1-220; done
grep "\"decode\"\|prefill" "$w/bench.txt" | sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*/b\1 \2 \3/' | head -20
tail -3 "$w/bench.txt"; echo "total $(el) s"
