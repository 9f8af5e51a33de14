#!/usr/bin/env bash
# Session 10, last device call (~170 s of device time left): the train self-test under the final
# defaults (its 'unset == rows' and 'unset picks mma-bwd' lines) and the hybrid1b step.
set -u
t0=$SECONDS
nvidia-smi --query-gpu=name --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
timeout 40 $nat/nmc_train_bench --seq 4096 --batch 1 --steps 3 --preset hybrid1b --dtype bf16 2>&1 | grep "^{" | sed 's/"params.*"step_ms"/"step_ms"/; s/"model_tflops.*"mfu"/"mfu"/; s/"fp8_layers.*//'
timeout 100 $nat/nmc_train_selftest > /tmp/ts.txt 2>&1; echo "train selftest rc=$? PASS $(grep -c ^PASS /tmp/ts.txt) FAIL $(grep -c ^FAIL /tmp/ts.txt) at $((SECONDS-t0)) s"
grep "^FAIL\|unset == rows\|unset picks\|dp size 1: losses" /tmp/ts.txt | cut -c1-240
