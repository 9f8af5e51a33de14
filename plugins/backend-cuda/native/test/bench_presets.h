// The benchmarks' model shapes, one table for all of them (bench.cpp, train_bench.cpp, nccl_bench.cpp):
//   nano9b      NVIDIA-Nemotron-Nano-9B-v2
//   hybrid260m  the ~260M hybrid of the CUDA issues
//   hybrid1b    ~0.9B: the 260M pattern at twice the width
//   attn8b      attention only, a Qwen3-8B-like shape (the Figure 1 peer in our engine)
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_common.h"

static nmc_config preset(const std::string &name, int dtype) {
    nmc_config c = base_config(dtype);
    if (name == "nano9b") {
        c.vocab_size = 131072;
        c.hidden_size = 4480;
        c.pattern = "M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-";
        c.intermediate_size = 15680;
        c.num_attention_heads = 40;
        c.num_key_value_heads = 8;
        c.head_dim = 128;
        c.mamba_num_heads = 128;
        c.mamba_head_dim = 80;
        c.n_groups = 8;
    } else if (name == "hybrid260m" || name == "hybrid1b") {
        const bool wide = name == "hybrid1b";
        c.vocab_size = 32000;
        c.hidden_size = wide ? 2048 : 1024;
        c.pattern = "M-M-M*-M-M-M*-M-M-M*-M-M-";
        c.intermediate_size = wide ? 8192 : 4096;
        c.num_attention_heads = wide ? 32 : 16;
        c.num_key_value_heads = wide ? 8 : 4;
        c.head_dim = 64;
        c.mamba_num_heads = wide ? 64 : 32;
        c.mamba_head_dim = 64;
        c.n_groups = 8;
    } else if (name == "attn8b") {
        c.vocab_size = 151936;
        c.hidden_size = 4096;
        c.pattern = "*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-*-";
        c.intermediate_size = 18432;
        c.num_attention_heads = 32;
        c.num_key_value_heads = 8;
        c.head_dim = 128;
        c.n_groups = 1;
    } else {
        fprintf(stderr, "error: unknown preset %s (nano9b, hybrid260m, hybrid1b, attn8b)\n", name.c_str());
        exit(2);
    }
    c.num_layers = (int)strlen(c.pattern);
    return c;
}
