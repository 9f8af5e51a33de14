#!/usr/bin/env bash
# The RL experiments of docs/alignment.md in one command, all from one starting model (tools/lib/alignment-arith.sh,
# arith_start): GRPO with the math reward (tools/alignment-grpo.sh), DPO on on-policy pairs (tools/alignment-dpo.sh)
# and GRPO with the ifeval reward (tools/alignment-ifeval.sh). About 30 minutes on 2 busy cores.
#   tools/alignment-rl.sh [OUT_DIR]          (default runs/alignment-rl; steps already done are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/alignment-rl}"
tools/alignment-grpo.sh "$out"
tools/alignment-dpo.sh "$out"
tools/alignment-ifeval.sh "$out"
