#!/bin/sh
# The fused cross-entropy (train_xent.cu) on the CPU: sh test/emu/xent_run.sh
exec sh test/emu/train_kernel_run.sh xent
