// The environment switches of the native library (NMC_*): which implementation runs
// (NMC_TRAIN_ATTENTION, NMC_TRAIN_SCAN, NMC_FP8_GEMM, NMC_PREFILL_ATTENTION, NMC_PREFILL_SCAN ...), the
// 0/1 knobs (NMC_GEMV, NMC_PROFILE ...) and the numbers (NMC_SCAN_CHUNK, NMC_DP_BUCKET_MB,
// NMC_NCCL_TIMEOUT_S). The one place that reads them, so every switch refuses an unknown value the
// same way. Library paths (NMC_NCCL_LIBRARY, NEMOTRON_CUBLAS*_LIBRARY) stay with the loaders that
// search for them (nccl.cu, gemm.cu, gemm_lt.cu).
#pragma once

#include <initializer_list>

namespace nmc {
// *index = the position of env `name`'s value among `choices`, -1 when unset or empty; a value not
// among them: NMC_ERR with one error line naming the variable, the choices and the fix.
int env_choice(const char *name, std::initializer_list<const char *> choices, int *index);

// Env `name`'s value; nullptr when unset or empty.
const char *env_value(const char *name);

// The position of `value` among `choices`; -1 when `value` is null or not among them.
int choice_index(const char *value, std::initializer_list<const char *> choices);

// A 0/1 knob, read by its first character: '1' on, '0' off; unset, empty or another value: `fallback`.
bool env_flag(const char *name, bool fallback);

// The integer env `name` starts with (as atoll reads it) when it lies in [lo, hi]; else `fallback`.
long long env_int(const char *name, long long lo, long long hi, long long fallback);

// Env `name` as a number with nothing after it (strtod) when it is positive; else `fallback`.
double env_positive(const char *name, double fallback);
}  // namespace nmc
