// The training benchmarks' model shapes (train_bench.cpp, nccl_bench.cpp): hybrid260m and hybrid1b.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_common.h"

static nmc_config preset(const std::string &name, int dtype) {
    nmc_config c = base_config(dtype);
    c.vocab_size = 32000;
    c.num_key_value_heads = 4;
    c.head_dim = 64;
    c.mamba_head_dim = 64;
    c.n_groups = 8;
    if (name == "hybrid260m") {
        c.hidden_size = 1024;
        c.pattern = "M-M-M*-M-M-M*-M-M-M*-M-M-";
        c.intermediate_size = 4096;
        c.num_attention_heads = 16;
        c.mamba_num_heads = 32;
    } else if (name == "hybrid1b") {  // ~0.9B: the 260M pattern at twice the width
        c.hidden_size = 2048;
        c.pattern = "M-M-M*-M-M-M*-M-M-M*-M-M-";
        c.intermediate_size = 8192;
        c.num_attention_heads = 32;
        c.num_key_value_heads = 8;
        c.mamba_num_heads = 64;
    } else {
        fprintf(stderr, "error: unknown preset %s (hybrid260m, hybrid1b)\n", name.c_str());
        exit(2);
    }
    c.num_layers = (int)strlen(c.pattern);
    return c;
}
