// Shared by the benchmark programs (bench.cpp: inference, train_bench.cpp: training): error exit,
// wall clock, and the settings every preset shares (the Nemotron-H conventions).
#pragma once

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "nemotron_cuda.h"

static void die(int rc, const char *what) {
    if (rc != NMC_OK) {
        fprintf(stderr, "error: %s: %s\n", what, nmc_last_error());
        exit(1);
    }
}

static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// conv kernel 4, chunk 128, eps 1e-5, no dt clamp, conv bias, state 128, in the compute dtype.
static nmc_config base_config(int dtype) {
    nmc_config c{};
    c.abi_version = NMC_ABI_VERSION;
    c.conv_kernel = 4;
    c.chunk_size = 128;
    c.norm_eps = 1e-5f;
    c.dt_min = 0.0f;
    c.dt_max = INFINITY;
    c.use_conv_bias = 1;
    c.compute_dtype = dtype;
    c.ssm_state_size = 128;
    return c;
}
