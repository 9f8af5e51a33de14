// The thread's PDL flag of kernels/pdl.cuh (one decode step at a time per thread: the flag is set by
// PdlScope around it, so other threads' launches and everything outside the step stay plain).
#include "pdl.cuh"

#include "../env_switch.h"
#include "../nmc_internal.h"

namespace nmc::k {
namespace {
thread_local bool active = false;
}  // namespace

bool pdl_active() { return active; }
void set_pdl_active(bool on) { active = on; }

int decode_pdl_switch(bool *on) {
    int choice;  // -1 unset, 0, 1
    NMC_TRY(nmc::env_choice("NMC_DECODE_PDL", {"0", "1"}, &choice));
    *on = choice == 1;
    return NMC_OK;
}

}  // namespace nmc::k
