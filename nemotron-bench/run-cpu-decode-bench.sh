#!/usr/bin/env bash
# Decode vs the memory-bandwidth roofline on the Java backend, per weight type, and the chunked
# prefill interleave measurement: `nemotron bench` runs, each line prefixed with the date and the
# load average (the machine may be shared). Models are random-weight checkpoints of
# examples/configs/{bench-100m,hybrid-260m}, created under $DIR (default /tmp/cpu-bench) if absent.
#   nemotron-bench/run-cpu-decode-bench.sh [--no-interleave] [--models "bench-100m hybrid-260m"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${DIR:-/tmp/cpu-bench}"
models="bench-100m hybrid-260m"
interleave=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-interleave) interleave=0 ;;
    --models) models="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dir"
stamp() { echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
for m in $models; do
  for t in F32 BF16; do
    [ -f "$dir/$m-$t/model.safetensors" ] || "$root/nemotron" init --config "$root/examples/configs/$m/config.json" \
        --out "$dir/$m-$t" --dtype "$t" >/dev/null
  done
  for run in "F32 stored f32" "BF16 stored f32" "BF16 q8_0 f32" "F32 stored bf16"; do
    set -- $run
    stamp
    echo "# $m weights $1 --weights $2 --kv-cache $3"
    "$root/nemotron" bench --model "$dir/$m-$1" --isl 128 --osl 64 --weights "$2" --kv-cache "$3" --json | tr -d '\n'
    echo
    stamp
  done
done
if [ "$interleave" = 1 ]; then
  stamp
  echo "# interleave: bench-100m F32, stream prompt 128, admitted prompt 4096, chunk 256"
  "$root/nemotron" bench --model "$dir/bench-100m-F32" --isl 128 --interleave 4096 --prefill-chunk 256
  stamp
fi
