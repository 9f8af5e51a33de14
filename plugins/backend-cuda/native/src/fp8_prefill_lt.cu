// FP8 prefill GEMMs through cuBLASLt (fp8_prefill_lt.h). The weights are used as stored: Q [out, in]
// E4M3 is already K-major (in a multiple of 16; a partial last 128-block only where the probe
// confirmed it), and block-128 scales [ceil(out/128), ceil(in/128)] row-major are the BLK128x128
// layout cuBLASLt reads when the probe settled on "ob * kblocks + kb", or on "ob * round4(kblocks)
// + kb" with ceil(in/128) a multiple of 4; otherwise a re-laid copy of the scales is made once per
// weight (model.h fp8_lt_scales, freed with the model). The BF16
// activations are quantised to E4M3 in 1 x 128 tiles with the trainer's arithmetic
// (kernels/fp8_lt.h), so the GEMM is W8A8 with fp32 accumulation, where the reference path
// dequantises W to BF16 (W8A16): the two differ by the activations' quantisation.
#include "fp8_prefill_lt.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "gemm_lt.h"
#include "kernels/fp8_lt.h"

namespace nmc {

bool fp8_prefill_lt_wanted() {
    const char *e = std::getenv("NMC_FP8_PREFILL");
    return e != nullptr && strcmp(e, "cublaslt") == 0;
}

int fp8_prefill_lt(nmc_model *m, const void *x, const k::Fp8Weight &f, float *y, int rows, float beta,
                   std::string *why) {
    if (f.block != 128 || (f.row_block != 0 && f.row_block != 128) || f.in % 16 != 0) {
        *why = "FP8 prefill through cuBLASLt needs 128 x 128 block scales and in a multiple of 16";
        return LT_UNAVAILABLE;
    }
    cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
    NMC_CUDA(cudaStreamIsCapturing(m->stream, &capture));
    if (capture != cudaStreamCaptureStatusNone) {
        *why = "stream capture in progress (a CUDA graph): no probe or allocation possible";
        return LT_UNAVAILABLE;
    }
    const LtInfo &info = lt_info(m->device);
    if (!info.available) {
        *why = info.reason;
        return LT_UNAVAILABLE;
    }
    int kb = (f.in + 127) / 128, ob = (f.out + 127) / 128;
    int64_t so, sk;
    lt_scale_strides(LT_BLK128, f.out, kb, &so, &sk);
    const float *w_scales = f.scale;
    if (!(so == kb && sk == 1)) {
        // the stored [ob, kb] scales re-laid once per weight into the probed layout (rows of so >= kb)
        auto it = m->fp8_lt_scales.find(f.q);
        if (it == m->fp8_lt_scales.end()) {
            if (sk != 1 || so < kb) {
                *why = "the probed BLK128x128 scale layout is not row-major [out/128, >= in/128]";
                return LT_UNAVAILABLE;
            }
            int64_t count = lt_scale_count(LT_BLK128, f.out, kb);
            float *p = nullptr;
            NMC_CUDA(cudaMalloc((void **)&p, (size_t)count * sizeof(float)));
            m->allocations.push_back(p);
            NMC_CUDA(cudaMemsetAsync(p, 0, (size_t)count * sizeof(float), m->stream));
            NMC_CUDA(cudaMemcpy2DAsync(p, (size_t)so * sizeof(float), f.scale, (size_t)kb * sizeof(float),
                                       (size_t)kb * sizeof(float), (size_t)ob, cudaMemcpyDeviceToDevice, m->stream));
            it = m->fp8_lt_scales.emplace(f.q, p).first;
        }
        w_scales = it->second;
    }
    // the activations: codes [rows, in], then their scales (256-byte aligned)
    int64_t so_x, sk_x;
    lt_scale_strides(LT_VEC128, rows, kb, &so_x, &sk_x);
    int64_t code_bytes = ((int64_t)rows * f.in + 255) / 256 * 256;
    int64_t bytes = code_bytes + lt_scale_count(LT_VEC128, rows, kb) * (int64_t)sizeof(float);
    if (m->fp8_act_bytes < bytes) {
        if (m->fp8_act != nullptr) {
            NMC_CUDA(cudaStreamSynchronize(m->stream));
            m->allocations.erase(std::remove(m->allocations.begin(), m->allocations.end(), m->fp8_act), m->allocations.end());
            cudaFree(m->fp8_act);
            m->fp8_act = nullptr;
            m->fp8_act_bytes = 0;
        }
        cudaError_t err = cudaMalloc(&m->fp8_act, (size_t)bytes);
        if (err != cudaSuccess) {
            cudaGetLastError();
            m->fp8_act = nullptr;
            return fail("cannot allocate " + std::to_string(bytes) + " bytes for the FP8 prefill activations: " +
                        cudaGetErrorString(err));
        }
        m->allocations.push_back(m->fp8_act);
        m->fp8_act_bytes = bytes;
    }
    uint8_t *codes = static_cast<uint8_t *>(m->fp8_act);
    float *scales = reinterpret_cast<float *>(codes + code_bytes);
    NMC_TRY(k::fp8lt::quantize_tiles(static_cast<const __nv_bfloat16 *>(x), f.in, rows, f.in, 1, 128, false, rows, f.in,
                                     codes, f.in, scales, so_x, sk_x, m->stream));
    LtOperand a{f.q, w_scales, f.out, LT_BLK128}, b{codes, scales, rows, LT_VEC128};
    return lt_fp8_gemm(m->device, m->stream, m->gemm.workspace, m->gemm.workspace_bytes, a, b, f.in, beta, y, f.out, why);
}

}  // namespace nmc

// One FP8 prefill GEMM on host arrays, for the self-test: w [out, in] (BF16 bits) quantised to E4M3
// with 128 x 128 block scales (nmc_model_quantize_fp8's kernel), x [rows, in] (BF16 bits), y [rows,
// out] = x . (Q * scale)^T through impl 0 (the reference: W dequantised to BF16, cuBLAS) or 1
// (cuBLASLt W8A8; NMC_ERR naming the reason when it cannot run).
extern "C" int nmc_k_fp8_prefill(int impl, int rows, int out, int in, const uint16_t *x_bf16, const uint16_t *w_bf16,
                                 float *y) {
    if (x_bf16 == nullptr || w_bf16 == nullptr || y == nullptr || rows <= 0 || out <= 0 || in <= 0 ||
        (int64_t)rows * in > (1 << 26) || (int64_t)out * in > (1 << 26) || (impl != 0 && impl != 1))
        return nmc::fail("nmc_k_fp8_prefill: bad argument (impl 0 or 1, positive shape up to 2^26 elements)");
    nmc_model m;
    m.dtype = NMC_BF16;
    NMC_CUDA(cudaGetDevice(&m.device));
    nmc::k::Fp8Weight f;
    f.out = out;
    f.in = in;
    f.block = 128;
    void *x = nullptr, *w = nullptr, *wb = nullptr;
    float *dy = nullptr;
    auto run = [&]() -> int {
        NMC_CUDA(cudaStreamCreateWithFlags(&m.stream, cudaStreamNonBlocking));
        NMC_TRY(nmc::gemm_create(m.gemm, m.stream));
        int64_t ob = (out + 127) / 128, ib = (in + 127) / 128;
        NMC_CUDA(cudaMalloc(&x, (size_t)rows * in * 2));
        NMC_CUDA(cudaMalloc(&w, (size_t)out * in * 2));
        NMC_CUDA(cudaMalloc(&wb, (size_t)out * in * 2));
        NMC_CUDA(cudaMalloc((void **)&f.q, (size_t)out * in));
        NMC_CUDA(cudaMalloc((void **)&f.scale, (size_t)ob * ib * sizeof(float)));
        NMC_CUDA(cudaMalloc((void **)&dy, (size_t)rows * out * sizeof(float)));
        NMC_CUDA(cudaMemcpyAsync(x, x_bf16, (size_t)rows * in * 2, cudaMemcpyHostToDevice, m.stream));
        NMC_CUDA(cudaMemcpyAsync(w, w_bf16, (size_t)out * in * 2, cudaMemcpyHostToDevice, m.stream));
        NMC_TRY(nmc::k::quantize_fp8(w, out, in, 128, f, m.stream));
        if (impl == 0) {
            NMC_TRY(nmc::k::dequantize_fp8(f, wb, m.stream));
            NMC_TRY(nmc::gemm_xwt(m.gemm, NMC_BF16, x, wb, dy, rows, in, out, 0.0f));
        } else {
            std::string why;
            int rc = nmc::fp8_prefill_lt(&m, x, f, dy, rows, 0.0f, &why);
            if (rc == nmc::LT_UNAVAILABLE) return nmc::fail("nmc_k_fp8_prefill: cuBLASLt FP8 path unavailable: " + why);
            NMC_TRY(rc);
        }
        NMC_CUDA(cudaMemcpyAsync(y, dy, (size_t)rows * out * sizeof(float), cudaMemcpyDeviceToHost, m.stream));
        NMC_CUDA(cudaStreamSynchronize(m.stream));
        return NMC_OK;
    };
    int rc = run();
    if (m.stream) cudaStreamSynchronize(m.stream);
    for (void *p : {x, w, wb, (void *)f.q, (void *)f.scale, (void *)dy}) cudaFree(p);
    for (void *p : m.allocations) cudaFree(p);
    nmc::gemm_destroy(m.gemm);
    if (m.stream) cudaStreamDestroy(m.stream);
    return rc;
}
