// The current device's multiprocessor count, read once a process (sm_count.h).
#include <cuda_runtime.h>

#include "sm_count.h"

namespace nmc::k {

int multiprocessor_count() {
    static const int sms = [] {
        int dev = 0, count = 0;
        if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess ||
            count <= 0)
            return 132;
        return count;
    }();
    return sms;
}

}  // namespace nmc::k
