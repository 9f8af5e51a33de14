// The environment switches of the native library that pick an implementation (NMC_TRAIN_ATTENTION,
// NMC_TRAIN_SCAN, NMC_FP8_GEMM): one parser, so every switch refuses an unknown value the same way.
#pragma once

#include <initializer_list>

namespace nmc {
// *index = the position of env `name`'s value among `choices`, -1 when unset or empty; a value not
// among them: NMC_ERR with one error line naming the variable, the choices and the fix.
int env_choice(const char *name, std::initializer_list<const char *> choices, int *index);
}  // namespace nmc
