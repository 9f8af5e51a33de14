#!/usr/bin/env bash
# The NCCL loader of libnemotron_cuda.so (src/nccl.cu) without a GPU or NCCL (`make nccl-loader-check`):
# stand-in libraries (test/nccl_stub.c) found through each place the loader searches, and the reason
# it gives for each way of not finding a usable one. One PASS/FAIL line per case; exit 1 on a failure.
set -uo pipefail
out="${1:?usage: nccl_loader_check.sh BUILD_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cc -shared -fPIC -O2 "$here/nccl_stub.c" -o "$tmp/good.so"
cc -shared -fPIC -O2 -DSTUB_VERSION=21003 "$here/nccl_stub.c" -o "$tmp/old.so"
cc -shared -fPIC -O2 -DSTUB_NO_ASYNC "$here/nccl_stub.c" -o "$tmp/partial.so"
echo "not a shared library" > "$tmp/text.so"
pip="$tmp/venv/lib/python3.12/site-packages/nvidia/nccl/lib"
mkdir -p "$pip" && cp "$tmp/good.so" "$pip/libnccl.so.2"
fails=0
expect() {  # NAME WANT_RC NEEDLE [ENV...]
  local name="$1" want="$2" needle="$3"; shift 3
  local got
  got="$(env -u NMC_NCCL_LIBRARY -u VIRTUAL_ENV -u CONDA_PREFIX HOME="$tmp/home" "$@" "$out/nccl_status" 2>&1)"
  if [ "${got%% *}" = "$want" ] && [[ "$got" == *"$needle"* ]]; then echo "PASS nccl loader: $name: ${got#* }"
  else echo "FAIL nccl loader: $name: want $want and '$needle', got: $got"; fails=$((fails + 1)); fi
}
# (the machine's own NCCL, if any, would be found on the loader's path first: those cases need none)
if ldconfig -p 2>/dev/null | grep -q 'libnccl.so.2'; then
  echo "SKIP nccl loader: not-found cases (this machine has libnccl.so.2 on the loader's path)"
else
  expect "nothing anywhere" 0 "NCCL not found (NMC_NCCL_LIBRARY unset; libnccl.so.2 on the loader's path: "
  expect "the reason lists the pip layout" 0 "site-packages/nvidia/nccl/lib/libnccl.so.2"
  expect "and says what to do" 0 "set NMC_NCCL_LIBRARY to a libnccl.so.2"
  expect "PyTorch's pip layout under VIRTUAL_ENV" 1 "($pip/libnccl.so.2)" VIRTUAL_ENV="$tmp/venv"
  expect "on the loader's path (LD_LIBRARY_PATH)" 1 "NCCL 22703 (libnccl.so.2)" LD_LIBRARY_PATH="$pip"
fi
expect "NMC_NCCL_LIBRARY" 1 "NCCL 22703 ($tmp/good.so)" NMC_NCCL_LIBRARY="$tmp/good.so"
expect "NMC_NCCL_LIBRARY is the only candidate" 0 "NMC_NCCL_LIBRARY=$tmp/missing.so cannot be loaded: " \
  NMC_NCCL_LIBRARY="$tmp/missing.so" VIRTUAL_ENV="$tmp/venv"
expect "a file that is no shared library" 0 "cannot be loaded: $tmp/text.so" NMC_NCCL_LIBRARY="$tmp/text.so"
expect "NCCL older than 2.12" 0 "is NCCL 21003; the trainer needs 2.12 or newer" NMC_NCCL_LIBRARY="$tmp/old.so"
expect "a missing symbol" 0 "has no ncclCommGetAsyncError" NMC_NCCL_LIBRARY="$tmp/partial.so"
echo "nccl loader: $fails failure(s)"
[ "$fails" = 0 ]
