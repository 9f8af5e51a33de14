#!/bin/sh
# Runs src/kernels/train_ssd.cu on the CPU (no GPU): its launches rewritten as emu::launch, the
# CUDA and cuBLAS pieces it uses emulated (test/emu/*.h), checked against the double reference
# (test/ssd_reference.h) by test/emu/ssd_emulate.cpp, with the flat element-wise kernels and with
# NMC_SCAN_ELEM=rows (train_ssd_rows.cuh, bit-equal to them) and NMC_TRAIN_SCAN_STATES=fused
# (train_ssd_states.cuh, within 1e-5 of the GEMM path). From plugins/backend-cuda/native:
#   sh test/emu/run.sh
set -e
T=$(mktemp -d)
mkdir -p "$T/src/kernels"
cp test/emu/nmc_internal.h test/emu/gemm.h src/env_switch.h src/env_switch.cu "$T/src/"
cp test/emu/kernels.h src/kernels/train_kernels.h src/kernels/train_ssd_rows.cuh src/kernels/train_ssd_flat.cuh "$T/src/kernels/"
grep -v 'cuda_bf16.h\|cuda_fp16.h' src/kernels/device_math.cuh > "$T/src/kernels/device_math.cuh"
for f in train_ssd.cu train_ssd_states.cuh; do python3 - src/kernels/$f "$T/src/kernels/$f" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
coop = {"dy_dots", "weigh_x_bwd", "chunk_states_bwd",  # kernels that shuffle or synchronise
        "dt_cumsum_tile", "mask_m_tile", "dy_rows", "weigh_x_bwd_rows", "cumsum_bwd_tile", "state_pass"}
def split(cfg):
    parts, depth, cur = [], 0, ""
    for ch in cfg:
        if ch == "," and depth == 0:
            parts.append(cur); cur = ""; continue
        depth += ch in "(["; depth -= ch in ")]"; cur += ch
    return parts + [cur]
def repl(m):
    name, cfg, args = m.group(1), split(m.group(2)), m.group(3)
    return "emu::launch(dim3(%s), dim3(%s), %s, [&] { %s(%s); });" % (cfg[0], cfg[1], "true" if name.split("<")[0] in coop else "false", name, args)
out, n = re.subn(r"(\w+(?:<[\w, ]+>)?)<<<(.*?)>>>\((.*?)\);", repl, src, flags=re.S)
assert n == src.count("<<<"), n
open(sys.argv[2], "w").write(out)
PY
done
g++ -std=c++20 -O2 -pthread -Wall -Wno-unused-function -Iinclude -I"$T/src/kernels" -DEMU_SSD="\"$T/src/kernels/train_ssd.cu\"" -DEMU_ENV="\"$T/src/env_switch.cu\"" \
    test/emu/ssd_emulate.cpp -o "$T/ssd_emulate"
"$T/ssd_emulate"
