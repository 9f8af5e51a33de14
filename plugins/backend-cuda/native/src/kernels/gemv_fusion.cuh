// What the decode GEMVs fold into their x and their store (NMC_DECODE_FUSE=1), and its arithmetic shared
// with the stand-alone kernels so both give the same bits:
// RMSNorm's arithmetic, shared by rms_norm (norm.cu) and the decode GEMVs that fold it into their x
// (NMC_DECODE_FUSE=1: gemv.cu, fp8.cu), so the two give the same bits; the gated
// group norm's likewise (out_proj's x: gated_rows_bf16, the arithmetic of norm.cu gated_norm_warp);
// the GEMVs' relu2 epilogue (mlp.up: add_bias + relu2 of elementwise.cu in the store, relu2_store);
// and their conv1d step epilogue (mamba.in_proj: conv1d.cu conv_step's arithmetic, conv_step_one).
//
// shapes: h [R, dim] fp32 (the residual), w [dim] fp32; x [R, dim] BF16 in shared memory.
// rms_norm runs a block of V = rms_norm_threads(dim) threads a row:
// 1. thread v: ss_v = sum over c = v, v + V, ... of h[c]^2 (fmaf, in that order)        (rms_part)
// 2. warp sums (shuffle tree) -> partial[v / 32]; warp 0 sums the V / 32 partials (block_sum)
// 3. inv = rsqrtf(total / dim + eps); x[c] = w[c] * (h[c] * inv)                       (rms_inv, rms_out)
// norm_rows_bf16 replays 1-2 with any blockDim (a multiple of 32): its threads take the virtual
// threads v = t, t + blockDim, ... in warps of 32 consecutive v, so every partial and the total are
// summed in rms_norm's order; then 3 into shared memory as BF16 (rms_norm's store to a BF16 xn).
#pragma once

namespace nmc::k {

// emu-begin (test/decode_fuse_emu.cpp runs this on the host)
__device__ __forceinline__ float rms_part(const float *row, int dim, int v, int stride) {
    float ss = 0.0f;
    for (int c = v; c < dim; c += stride) ss = fmaf(row[c], row[c], ss);
    return ss;
}
__device__ __forceinline__ float rms_inv(float total, int dim, float eps) { return rsqrtf(total / dim + eps); }
__device__ __forceinline__ float rms_out(float w, float h, float inv) { return w * (h * inv); }

// The R rows of x = RMSNorm(h) * w as BF16 into xs [R, dim] (shared), every thread of the block
// taking part; returns after a barrier (xs complete).
template <int R>
__device__ __forceinline__ void norm_rows_bf16(const RowNorm &n, __nv_bfloat16 *xs) {
    __shared__ float partial[32];
    __shared__ float total;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    for (int r = 0; r < R; r++) {
        const float *row = n.h + (int64_t)r * n.dim;
        for (int v0 = 0; v0 < n.vthreads; v0 += blockDim.x) {  // 1. and the warp sums of 2.
            const int v = v0 + (int)threadIdx.x;
            float ss = v < n.vthreads ? rms_part(row, n.dim, v, n.vthreads) : 0.0f;
            ss = warp_sum(ss);
            if (lane == 0 && v < n.vthreads) partial[v >> 5] = ss;
        }
        __syncthreads();
        if (warp == 0) {  // 2. warp 0 over the partials, as block_sum
            float s = lane < (n.vthreads >> 5) ? partial[lane] : 0.0f;
            s = warp_sum(s);
            if (lane == 0) total = s;
        }
        __syncthreads();
        const float inv = rms_inv(total, n.dim, n.eps);
        for (int c = threadIdx.x; c < n.dim; c += blockDim.x)  // 3.
            xs[(int64_t)r * n.dim + c] = __float2bfloat16(rms_out(n.w[c], row[c], inv));
    }
    __syncthreads();
}

// The relu2 epilogue (Relu2Out) of feature o's sum v, to out[at]: bias_kernel's y + bias (an add
// of its own, never contracted with the GEMV's last product), then relu2_kernel's relu(v)^2 rounded
// to the dtype.
__device__ __forceinline__ void relu2_store(const Relu2Out &a, int64_t at, int o, float v) {
    if (a.bias != nullptr) v = __fadd_rn(v, a.bias[o]);
    const float p = fmaxf(v, 0.0f);
    store_from_float(a.out, a.dtype, at, p * p);
}

// The gated group norm's arithmetic (norm.cu gated_norm_warp, gated_norm_rows, and gated_rows_bf16
// below), a float4 of channels at a time: t = y silu(z), and t's sum of squares.
__device__ __forceinline__ float4 gated_t4(const float4 &y, const float4 &z) {
    return make_float4(y.x * silu(z.x), y.y * silu(z.y), y.z * silu(z.z), y.w * silu(z.w));
}
__device__ __forceinline__ float sq4(const float4 &t) { return t.x * t.x + t.y * t.y + t.z * t.z + t.w * t.w; }

// gated_norm_warp's float4 a lane (groups up to 128 GV channels)
constexpr int GV = 12;

// The R rows of x = the gated norm of (y, z) as BF16 into xs [R, dim] (shared), gated_norm_warp's
// arithmetic: warp w of the block takes the (row, group) pairs w, w + warps, ...; lane l the float4s
// l, l + 32, ... of the group (t kept), ss summed in that order then by warp_sum; x = BF16(w (t inv)).
// Returns after a barrier (xs complete).
template <int R>
__device__ __forceinline__ void gated_rows_bf16(const GatedNorm &n, __nv_bfloat16 *xs) {
    const int lane = threadIdx.x & 31, gs = n.dim / n.groups;
    for (int pair = threadIdx.x >> 5; pair < R * n.groups; pair += blockDim.x >> 5) {
        const int r = pair / n.groups, g = pair % n.groups;
        const float *yr = n.y + (int64_t)r * n.y_stride + g * gs, *zr = n.z + (int64_t)r * n.z_stride + g * gs;
        float4 t[GV];
        float ss = 0.0f;
#pragma unroll
        for (int v = 0; v < GV; v++) {
            const int c = (v * 32 + lane) * 4;
            t[v] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            if (c < gs) t[v] = gated_t4(*reinterpret_cast<const float4 *>(yr + c), *reinterpret_cast<const float4 *>(zr + c));
            ss += sq4(t[v]);
        }
        const float inv = rsqrtf(warp_sum(ss) / gs + n.eps);
#pragma unroll
        for (int v = 0; v < GV; v++) {
            const int c = (v * 32 + lane) * 4;
            if (c >= gs) continue;
            const float4 wv = *reinterpret_cast<const float4 *>(n.w + g * gs + c);
            __nv_bfloat16 *dst = xs + (int64_t)r * n.dim + g * gs + c;
            dst[0] = __float2bfloat16(wv.x * (t[v].x * inv)), dst[1] = __float2bfloat16(wv.y * (t[v].y * inv));
            dst[2] = __float2bfloat16(wv.z * (t[v].z * inv)), dst[3] = __float2bfloat16(wv.w * (t[v].w * inv));
        }
    }
    __syncthreads();
}

// The fused GEMVs' x into xs: the gated norm where gated.y is set (out_proj), else the RMSNorm.
template <int R>
__device__ __forceinline__ void fused_x_bf16(const RowNorm &norm, const GatedNorm &gated, __nv_bfloat16 *xs) {
    if (gated.y != nullptr) gated_rows_bf16<R>(gated, xs);
    else norm_rows_bf16<R>(norm, xs);
}

// conv1d.cu conv_step_kernel's arithmetic for channel c of one row: win [K - 1] the slot's window of the
// channel (oldest first), x the new input; shifts x into the window, returns the output (SiLU'd when
// cv.silu).
__device__ __forceinline__ float conv_step_one(const Conv &cv, float *win, int c, float x) {
    const int K = cv.kernel, km1 = K - 1;
    float acc = cv.bias ? cv.bias[c] : 0.0f;
    for (int k = 0; k < km1; k++) acc += cv.w[c * K + k] * win[k];
    acc += cv.w[c * K + km1] * x;
    for (int k = 0; k + 1 < km1; k++) win[k] = win[k + 1];
    if (km1 > 0) win[km1 - 1] = x;
    return cv.silu ? silu(acc) : acc;
}

// The conv1d step in a GEMV's store (ConvStep, where windows is set): output o of row r, y the value the
// GEMV stored there; nothing for an o outside the conv channels.
__device__ __forceinline__ void conv_store(const ConvStep &s, int r, int o, float y) {
    const int c = o - s.first;
    if (s.windows == nullptr || c < 0 || c >= s.cv.channels) return;
    float *win = s.windows + ((int64_t)s.slots[r] * s.cv.channels + c) * (s.cv.kernel - 1);
    s.cv.out[(int64_t)r * s.cv.out_stride + c] = conv_step_one(s.cv, win, c, y);
}

// x of the GEMVs: from global memory through the read-only path, or (NORM) from shared memory
template <bool NORM>
__device__ __forceinline__ uint4 load_x(const uint4 *p) {
    if constexpr (NORM) return *p;
    else return __ldg(p);
}
// emu-end

// The block's dynamic shared memory as BF16 (the x rows of norm_rows_bf16).
__device__ __forceinline__ __nv_bfloat16 *dynamic_bf16() {
    extern __shared__ __align__(16) unsigned char nmc_dynamic_smem[];
    return reinterpret_cast<__nv_bfloat16 *>(nmc_dynamic_smem);
}

// Blocks for a persistent fused GEMV: SMs x the blocks of `kernel` resident on one (threads, smem
// bytes of dynamic shared memory), at most `needed` (norm.cu).
int resident_grid(const void *kernel, int threads, size_t smem, int needed);

}  // namespace nmc::k
