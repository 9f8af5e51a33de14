// NCCL loaded at run time (nccl.h of this directory says why here and not in Java), the polling
// wait that turns a dead rank into an error instead of a hang, nmc_nccl_status and the all-reduce
// benchmark (nmc_nccl_bench_allreduce).
#include "nccl.h"
#include "env_switch.h"

#include <dlfcn.h>
#include <glob.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace nmc::nccl {
namespace {

// PyTorch's wheels ship NCCL as the pip package nvidia-nccl-cu1x: <site-packages>/nvidia/nccl/lib
std::vector<std::string> pip_patterns() {
    const char *suffix = "/lib/python3*/site-packages/nvidia/nccl/lib/libnccl.so.2";
    std::vector<std::string> out;
    for (const char *env : {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
        const char *v = std::getenv(env);
        if (v != nullptr && *v) out.push_back(std::string(v) + suffix);
    }
    const char *home = std::getenv("HOME");
    if (home != nullptr && *home) out.push_back(std::string(home) + "/.local" + suffix);
    for (const char *prefix : {"/usr/local", "/usr", "/opt/conda"}) {
        out.push_back(std::string(prefix) + suffix);
        out.push_back(std::string(prefix) + "/lib/python3*/dist-packages/nvidia/nccl/lib/libnccl.so.2");
    }
    out.push_back("/usr/lib/python3/dist-packages/nvidia/nccl/lib/libnccl.so.2");
    return out;
}

void *open_lib(Api &a) {
    const char *env = std::getenv("NMC_NCCL_LIBRARY");
    if (env != nullptr && *env) {  // an explicit choice is not silently replaced by another library
        void *lib = dlopen(env, RTLD_NOW | RTLD_LOCAL);
        if (lib != nullptr) a.path = env;
        else a.error = std::string("NMC_NCCL_LIBRARY=") + env + " cannot be loaded: " + dlerror();
        return lib;
    }
    std::string tried = "NMC_NCCL_LIBRARY unset";
    if (void *lib = dlopen("libnccl.so.2", RTLD_NOW | RTLD_LOCAL)) {
        a.path = "libnccl.so.2";
        return lib;
    }
    const char *why = dlerror();
    tried += std::string("; libnccl.so.2 on the loader's path: ") + (why ? why : "not found");
    std::string patterns;
    for (const std::string &p : pip_patterns()) {
        glob_t g{};
        if (glob(p.c_str(), 0, nullptr, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++) {
                void *lib = dlopen(g.gl_pathv[i], RTLD_NOW | RTLD_LOCAL);
                if (lib != nullptr) {
                    a.path = g.gl_pathv[i];
                    globfree(&g);
                    return lib;
                }
                const char *e = dlerror();
                tried += std::string("; ") + (e ? e : g.gl_pathv[i]);
            }
        }
        globfree(&g);
        patterns += (patterns.empty() ? "" : ", ") + p;
    }
    a.error = "NCCL not found (" + tried + "; PyTorch's pip layout: none of " + patterns +
              "): set NMC_NCCL_LIBRARY to a libnccl.so.2 (pip install nvidia-nccl-cu12 ships one)";
    return nullptr;
}

template <typename F>
bool sym(Api &a, F &f, const char *name) {
    f = reinterpret_cast<F>(dlsym(a.lib, name));
    if (f == nullptr && a.error.empty()) a.error = a.path + " has no " + name + " (NCCL older than 2.12?)";
    return f != nullptr;
}

Api load() {
    Api a;
    a.lib = open_lib(a);
    if (a.lib == nullptr) return a;
    sym(a, a.get_version, "ncclGetVersion");
    sym(a, a.get_unique_id, "ncclGetUniqueId");
    sym(a, a.comm_init_rank, "ncclCommInitRank");
    sym(a, a.comm_init_all, "ncclCommInitAll");
    sym(a, a.comm_destroy, "ncclCommDestroy");
    sym(a, a.comm_abort, "ncclCommAbort");
    sym(a, a.comm_get_async_error, "ncclCommGetAsyncError");
    sym(a, a.get_error_string, "ncclGetErrorString");
    sym(a, a.all_reduce, "ncclAllReduce");
    sym(a, a.reduce_scatter, "ncclReduceScatter");
    sym(a, a.all_gather, "ncclAllGather");
    sym(a, a.broadcast, "ncclBroadcast");
    sym(a, a.group_start, "ncclGroupStart");
    sym(a, a.group_end, "ncclGroupEnd");
    if (a.error.empty() && a.get_version(&a.version) != SUCCESS) a.error = a.path + ": ncclGetVersion failed";
    if (a.error.empty() && a.version < 21200)
        a.error = a.path + " is NCCL " + std::to_string(a.version) + "; the trainer needs 2.12 or newer";
    return a;
}

}  // namespace

const Api &api() {
    static std::once_flag once;
    static Api instance;
    std::call_once(once, [] { instance = load(); });
    return instance;
}

int fail(int result, const std::string &what) {
    const Api &a = api();
    const char *s = a.get_error_string != nullptr ? a.get_error_string(result) : nullptr;
    return nmc::fail(what + ": NCCL error " + std::to_string(result) + " (" + (s ? s : "?") + ")");
}

double timeout_s() {
    return nmc::env_positive("NMC_NCCL_TIMEOUT_S", 600.0);
}

int wait(Comm *comm, cudaStream_t stream, const std::string &what) {
    const Api &a = api();
    const double limit = timeout_s();
    auto t0 = std::chrono::steady_clock::now();
    for (;;) {
        cudaError_t q = cudaStreamQuery(stream);
        if (q == cudaSuccess) return NMC_OK;
        if (q != cudaErrorNotReady) return nmc::cuda_fail(q, what.c_str());
        int async = SUCCESS;
        if (*comm != nullptr && a.comm_get_async_error(*comm, &async) == SUCCESS && async != SUCCESS &&
            async != IN_PROGRESS) {
            a.comm_abort(*comm);
            *comm = nullptr;
            return fail(async, what + " (a rank failed; the group was aborted)");
        }
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (s > limit) {
            if (*comm != nullptr) a.comm_abort(*comm);
            *comm = nullptr;
            return nmc::fail(what + ": no progress in " + std::to_string((int)limit) +
                             " s (a rank died or stopped calling the collectives; NMC_NCCL_TIMEOUT_S sets the limit); "
                             "the group was aborted");
        }
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
}

}  // namespace nmc::nccl

extern "C" int nmc_nccl_status(char *buf, size_t len) {
    if (buf == nullptr && len > 0) return nmc::fail("nmc_nccl_status: null buffer");
    const nmc::nccl::Api &a = nmc::nccl::api();
    std::string s = a.error.empty() ? "NCCL " + std::to_string(a.version) + " (" + a.path + ")" : a.error;
    if (len > 0) {
        size_t n = std::min(len - 1, s.size());
        memcpy(buf, s.data(), n);
        buf[n] = 0;
    }
    return a.error.empty() ? 1 : 0;
}

extern "C" int nmc_nccl_bench_allreduce(int ndev, int64_t bytes, int iters, double *ms) {
    using namespace nmc::nccl;
    const Api &a = api();
    if (!a.error.empty()) return nmc::fail(a.error);
    int count = 0;
    NMC_CUDA(cudaGetDeviceCount(&count));
    if (ndev < 1 || ndev > count || bytes < 4 || iters < 1 || ms == nullptr)
        return nmc::fail("nmc_nccl_bench_allreduce: bad arguments (" + std::to_string(count) + " devices visible)");
    // one communicator set per device count, kept for the process (initialising one takes seconds)
    static std::mutex mu;
    static std::vector<std::vector<Comm>> comms(65);
    std::lock_guard<std::mutex> lock(mu);
    if (ndev > 64) return nmc::fail("nmc_nccl_bench_allreduce: at most 64 devices");
    std::vector<Comm> &c = comms[ndev];
    if (c.empty()) {
        c.resize(ndev);
        std::vector<int> devs(ndev);
        for (int d = 0; d < ndev; d++) devs[d] = d;
        int rc = a.comm_init_all(c.data(), ndev, devs.data());
        if (rc != SUCCESS) {
            c.clear();
            return fail(rc, "ncclCommInitAll over " + std::to_string(ndev) + " devices");
        }
    }
    size_t n = (size_t)bytes / 4;
    std::vector<float *> buf(ndev, nullptr);
    std::vector<cudaStream_t> st(ndev, nullptr);
    int rc = NMC_OK;
    for (int d = 0; d < ndev && rc == NMC_OK; d++) {
        if (cudaSetDevice(d) != cudaSuccess || cudaMalloc(&buf[d], n * 4) != cudaSuccess ||
            cudaMemset(buf[d], 0, n * 4) != cudaSuccess || cudaStreamCreateWithFlags(&st[d], cudaStreamNonBlocking) != cudaSuccess) {
            cudaGetLastError();
            rc = nmc::fail("nmc_nccl_bench_allreduce: cannot allocate " + std::to_string(bytes) + " bytes on device " +
                           std::to_string(d));
        }
    }
    auto run = [&](int times) {
        for (int i = 0; i < times; i++) {
            NMC_NCCL(a.group_start(), "ncclGroupStart");
            for (int d = 0; d < ndev; d++) {
                int r = a.all_reduce(buf[d], buf[d], n, FLOAT32, SUM, c[d], st[d]);
                if (r != SUCCESS) {
                    a.group_end();
                    return fail(r, "ncclAllReduce");
                }
            }
            NMC_NCCL(a.group_end(), "ncclGroupEnd");
        }
        for (int d = 0; d < ndev; d++) {
            NMC_CUDA(cudaSetDevice(d));
            NMC_TRY(wait(&c[d], st[d], "the all-reduce benchmark"));
        }
        return NMC_OK;
    };
    if (rc == NMC_OK) rc = run(5);
    if (rc == NMC_OK) {
        auto t0 = std::chrono::steady_clock::now();
        rc = run(iters);
        *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / iters;
    }
    for (int d = 0; d < ndev; d++) {
        cudaSetDevice(d);
        if (buf[d]) cudaFree(buf[d]);
        if (st[d]) cudaStreamDestroy(st[d]);
    }
    if (rc != NMC_OK) {  // an aborted communicator is not reused
        for (Comm &x : c) {
            if (x != nullptr) a.comm_abort(x);
        }
        c.clear();
    }
    return rc;
}
