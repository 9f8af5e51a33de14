# Sourced by the one-call device scripts (docs/data/cuda/session13/go*.sh, run from the repository
# root with `.devpack` carried: bundle.tar.xz and the scripts plugins/backend-cuda/device/bundle.sh
# makes). Unpacks the bundle into .device and gives:
#   el        seconds since this file was sourced
#   nat       the native binaries (.device/native)
#   dec       nmc_bench's decode JSON lines -> "bN tok/s fraction [variant]"
#   trainsum  nmc_train_bench's JSON line -> "step ms, tok/s, mfu, loss_last"
set -u
t0=$SECONDS; el() { echo $((SECONDS-t0)); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
mkdir -p .device && cp -a .devpack/. .device/ && tar -C .device -xJf .device/bundle.tar.xz
nat=.device/native
dec() { sed 's/.*"batch":\([0-9]*\).*"decode_tokens_per_s":\([0-9.]*\).*"fraction_of_roofline":\([0-9.]*\).*"variant":"\([^"]*\)".*/b\1 \2 tok\/s \3 [\4]/'; }
trainsum() { grep "^{" | sed 's/.*"step_ms": \([0-9.]*\), "tokens_per_s": \([0-9.]*\).*"mfu": \([0-9.]*\).*"loss_last": \([0-9.]*\).*/\1 ms \2 tok\/s mfu \3 loss_last \4/' | cut -c1-120; }
