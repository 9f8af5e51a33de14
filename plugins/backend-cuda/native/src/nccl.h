// NCCL, loaded at run time (src/nccl.cu): no NCCL header or library at build time. The few types,
// enum values and prototypes below are NCCL's public API (nccl.h of NCCL 2.x, docs.nvidia.com/
// deeplearning/nccl/user-guide/docs/api): ncclResult_t ncclSuccess 0 ... ncclInProgress 7;
// ncclDataType_t ncclFloat32 7, ncclFloat64 8; ncclRedOp_t ncclSum 0; ncclUniqueId is 128 bytes
// (NCCL_UNIQUE_ID_BYTES) passed by value to ncclCommInitRank; ncclComm_t an opaque pointer.
//
// Why the native library and not a Java FFM SymbolLookup: the collectives are enqueued inside
// nmc_trainer_backward (between the layers' kernels, after CUDA events) and nmc_trainer_step, on the
// trainer's streams; Java only forms the group (nmc_trainer_dp_join).
#pragma once

#include "nmc_internal.h"

#include <string>

namespace nmc::nccl {

using Comm = void *;
constexpr int SUCCESS = 0, IN_PROGRESS = 7;
constexpr int FLOAT32 = 7, FLOAT64 = 8;
constexpr int SUM = 0;
constexpr int ID_BYTES = 128;
struct UniqueId {
    char internal[ID_BYTES];
};

struct Api {
    void *lib = nullptr;
    std::string error;    // why NCCL is unavailable (empty: usable)
    std::string path;     // where it was loaded from
    int version = 0;      // ncclGetVersion: major * 10000 + minor * 100 + patch (2.9+)
    int (*get_version)(int *) = nullptr;
    int (*get_unique_id)(UniqueId *) = nullptr;
    int (*comm_init_rank)(Comm *, int, UniqueId, int) = nullptr;
    int (*comm_init_all)(Comm *, int, const int *) = nullptr;
    int (*comm_destroy)(Comm) = nullptr;
    int (*comm_abort)(Comm) = nullptr;
    int (*comm_get_async_error)(Comm, int *) = nullptr;
    const char *(*get_error_string)(int) = nullptr;
    int (*all_reduce)(const void *, void *, size_t, int, int, Comm, cudaStream_t) = nullptr;
    int (*reduce_scatter)(const void *, void *, size_t, int, int, Comm, cudaStream_t) = nullptr;
    int (*all_gather)(const void *, void *, size_t, int, Comm, cudaStream_t) = nullptr;
    int (*broadcast)(const void *, void *, size_t, int, int, Comm, cudaStream_t) = nullptr;
    int (*group_start)() = nullptr;
    int (*group_end)() = nullptr;
};

// Loaded once per process; Api::error says why not.
const Api &api();
// Records "what: NCCL error <code> (<ncclGetErrorString>)" and returns NMC_ERR.
int fail(int result, const std::string &what);
// Waits for `stream`, polling `comm`'s asynchronous error every 100 us; a NCCL error or more than
// timeout_s seconds (env NMC_NCCL_TIMEOUT_S, default 600) aborts the communicator (*comm = null) and
// fails naming `what` instead of hanging on a dead rank.
int wait(Comm *comm, cudaStream_t stream, const std::string &what);
double timeout_s();

}  // namespace nmc::nccl

// Evaluates an NCCL call (a function pointer of nmc::nccl::api()); fails with its error string.
#define NMC_NCCL(call, what)                                                   \
    do {                                                                       \
        int nmc_nccl_rc_ = (call);                                             \
        if (nmc_nccl_rc_ != nmc::nccl::SUCCESS && nmc_nccl_rc_ != nmc::nccl::IN_PROGRESS) \
            return nmc::nccl::fail(nmc_nccl_rc_, what);                        \
    } while (0)
