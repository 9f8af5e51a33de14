// Error reporting of the C ABI: a thread-local message for the last failed call.
#include "nmc_internal.h"

namespace nmc {

static thread_local std::string last_error = "no error";

void set_error(const std::string &message) { last_error = message; }

int fail(const std::string &message) {
    set_error(message);
    return NMC_ERR;
}

int cuda_fail(cudaError_t err, const char *what) {
    cudaGetLastError();  // clear a sticky launch error so later calls can report their own
    return fail(std::string(what) + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

}  // namespace nmc

extern "C" const char *nmc_last_error(void) { return nmc::last_error.c_str(); }

extern "C" int nmc_abi_version(void) { return NMC_ABI_VERSION; }
