// Skinny GEMM for batched decode, y[R, out] = x[R, in] . W[out, in]^T (+ beta y) for R = 1..64 rows,
// BF16 or FP8 E4M3 weights: which kernel of skinny_gemm_kernels.cuh runs (NMC_SKINNY_KERNEL), its
// split-K (NMC_SKINNY_SPLIT), the occupancy measured at start, the wreg conversion check, and the entry
// points of kernels.h. The kernels, their shapes and pipeline: skinny_gemm_kernels.cuh.
#include "../env_switch.h"
#include "kernels.h"
#include "skinny_gemm_kernels.cuh"
#include "sm_count.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace nmc::k {
namespace {

int target_blocks() { return 2 * multiprocessor_count(); }  // about one wave at 2 blocks per SM

// resident blocks per SM of skinny_gemm_kernel<W, NT, WM> ([0] BF16, [1] E4M3; NT 1..8; WM 1, 2),
// measured by skinny_gemm_init (0 until then: 2 assumed)
int g_occupancy[2][9][2];

// NMC_SKINNY_SPLIT: 0 fill (the first rule), 1 waves (skinny_split_waves; unset: waves, faster than fill
// for BF16 and both FP8 layouts at batch 64 on an H100, docs/benchmarks.md)
int split_rule(int *rule) {
    int choice;
    NMC_TRY(nmc::env_choice("NMC_SKINNY_SPLIT", {"fill", "waves"}, &choice));
    *rule = choice < 0 ? 1 : choice;
    return NMC_OK;
}

// The split-K of a launch with tiles_o output tiles of bo outputs and tiles_k k tiles: *splits and
// *k_split (the k columns a split), partials within ws_floats (none without a workspace).
// NMC_SKINNY_SPLIT fill: enough blocks for `slots` (target_blocks() for the first kernel), >= 4 k
// tiles a split; waves: skinny_split_waves over `slots` resident blocks.
int choose_splits(const SkinnyArgs &p, int64_t ws_floats, int tiles_o, int tiles_k, int bytes, int slots, int fill_target,
                  int bo, int *splits, int *k_split) {
    const int max_splits = p.ws == nullptr ? 1 : (int)std::max<int64_t>(1, std::min<int64_t>(tiles_k, ws_floats / ((int64_t)p.rows * p.out)));
    int rule;
    NMC_TRY(split_rule(&rule));
    if (rule == 1) {
        *k_split = skinny_split_waves(tiles_o, tiles_k, p.rows, p.out, bytes, slots, max_splits, splits, bo);
        return NMC_OK;
    }
    int n = std::max(1, std::min((fill_target + tiles_o - 1) / tiles_o, tiles_k / 4));
    n = std::min(n, max_splits);
    const int per = (tiles_k + n - 1) / n;
    *splits = (tiles_k + per - 1) / per;
    *k_split = per * BKT;
    return NMC_OK;
}

// Sets the kernel's shared memory outside a graph capture (inside one: skinny_gemm_init did), launches
// it on (tiles_o, splits) blocks, then the split-K sum where splits > 1.
template <typename Kernel>
int launch_split(Kernel kernel, const SkinnyArgs &p, int tiles_o, int splits, int threads, int smem, const char *what,
                 cudaStream_t stream) {
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    NMC_CUDA(cudaStreamIsCapturing(stream, &capturing));
    if (capturing == cudaStreamCaptureStatusNone)
        NMC_CUDA(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
    kernel<<<dim3(tiles_o, splits), threads, smem, stream>>>(p);
    NMC_LAUNCHED(what);
    if (splits > 1) {
        const int64_t n = (int64_t)p.rows * p.out;
        skinny_reduce_kernel<<<(int)std::min<int64_t>((n + 255) / 256, 4096), 256, 0, stream>>>(p, splits);
        NMC_LAUNCHED("skinny decode GEMM split-K sum");
    }
    return NMC_OK;
}

// the first kernel (W through shared memory)
template <typename W, int NT, int WM>
int launch(SkinnyArgs p, int64_t ws_floats, cudaStream_t stream) {
    const int tiles_o = (p.out + BO - 1) / BO, tiles_k = p.in / BKT;
    const int occ = g_occupancy[W::BYTES == 1][NT][WM - 1];
    int splits = 1;
    NMC_TRY(choose_splits(p, ws_floats, tiles_o, tiles_k, W::BYTES, multiprocessor_count() * (occ > 0 ? occ : 2),
                          target_blocks(), BO, &splits, &p.k_split));
    return launch_split(skinny_gemm_kernel<W, NT, WM>, p, tiles_o, splits, WARPS * 32, Stage<W, NT>::BYTES * STAGES,
                        "skinny decode GEMM (tensor cores)", stream);
}

// resident blocks per SM of skinny_wreg_kernel<W, NT, WM> (as g_occupancy; 0 until init: 1 assumed)
int g_occupancy_wreg[2][9][2];

// the wreg kernel: as launch, with its outputs per block and its resident blocks (fill aims at them too)
template <typename W, int NT, int WM>
int launch_wreg(SkinnyArgs p, int64_t ws_floats, cudaStream_t stream) {
    constexpr int BOW = WR_WARPS * 16 * WM;
    const int tiles_o = (p.out + BOW - 1) / BOW, tiles_k = p.in / BKT;
    const int slots = multiprocessor_count() * std::max(1, g_occupancy_wreg[W::BYTES == 1][NT][WM - 1]);
    int splits = 1;
    NMC_TRY(choose_splits(p, ws_floats, tiles_o, tiles_k, W::BYTES, slots, slots, BOW, &splits, &p.k_split));
    return launch_split(skinny_wreg_kernel<W, NT, WM>, p, tiles_o, splits, WR_WARPS * 32, WregShape<W>::template smem_bytes<NT>(),
                        "skinny decode GEMM (W streamed to registers)", stream);
}

template <typename W, int WM>
int dispatch_wreg(const SkinnyArgs &p, int64_t ws_floats, cudaStream_t stream) {
    switch ((p.rows + 7) / 8) {
        case 1: return launch_wreg<W, 1, WM>(p, ws_floats, stream);
        case 2: return launch_wreg<W, 2, WM>(p, ws_floats, stream);
        case 3: return launch_wreg<W, 3, WM>(p, ws_floats, stream);
        case 4: return launch_wreg<W, 4, WM>(p, ws_floats, stream);
        case 5: return launch_wreg<W, 5, WM>(p, ws_floats, stream);
        case 6: return launch_wreg<W, 6, WM>(p, ws_floats, stream);
        case 7: return launch_wreg<W, 7, WM>(p, ws_floats, stream);
        default: return launch_wreg<W, 8, WM>(p, ws_floats, stream);
    }
}

template <typename W>
int dispatch_nt(const SkinnyArgs &p, int64_t ws_floats, cudaStream_t stream, int wm) {
    switch ((p.rows + 7) / 8 * 2 + (wm == 2)) {
        case 2: return launch<W, 1, 1>(p, ws_floats, stream);
        case 3: return launch<W, 1, 2>(p, ws_floats, stream);
        case 4: return launch<W, 2, 1>(p, ws_floats, stream);
        case 5: return launch<W, 2, 2>(p, ws_floats, stream);
        case 6: return launch<W, 3, 1>(p, ws_floats, stream);
        case 7: return launch<W, 3, 2>(p, ws_floats, stream);
        case 8: return launch<W, 4, 1>(p, ws_floats, stream);
        case 9: return launch<W, 4, 2>(p, ws_floats, stream);
        case 10: return launch<W, 5, 1>(p, ws_floats, stream);
        case 11: return launch<W, 5, 2>(p, ws_floats, stream);
        case 12: return launch<W, 6, 1>(p, ws_floats, stream);
        case 13: return launch<W, 6, 2>(p, ws_floats, stream);
        case 14: return launch<W, 7, 1>(p, ws_floats, stream);
        case 15: return launch<W, 7, 2>(p, ws_floats, stream);
        case 17: return launch<W, 8, 2>(p, ws_floats, stream);
        default: return launch<W, 8, 1>(p, ws_floats, stream);
    }
}

// NMC_SKINNY_WARP: outputs per warp, 16 (WM 1) or 32 (WM 2); unset for the smem kernel: 32 for FP8
// block-scaled weights (1.12x over 16 at batch 64 on an H100), 16 otherwise (per-channel FP8: 16 and
// 32 within 1%); unset for the wreg kernel: 16 (two blocks an SM; at batch 64, Nano-9B-v2 shape, H100:
// 4,437 against 4,252 tok/s per-channel, 4,201 against 4,017 blocks).
// NMC_SKINNY_KERNEL: smem (the first kernel, W through shared memory) or wreg (skinny_wreg_kernel: W
// straight to registers); unset: wreg for FP8 weights (batch 64 on an H100: 4,437 against 4,242 tok/s
// per-channel, 4,201 against 3,488 blocks), smem for BF16 ones (wreg lost to it there; BF16 decode keeps
// cuBLAS unless NMC_DECODE_GEMM=skinny). Unset falls back to smem if the wreg kernel's E4M3 conversion
// check failed on this GPU (wreg_conversion_checked).
int wreg_conversion_checked(bool may_run);
bool wreg_conversion_ok(bool may_run);

template <typename W>
int dispatch(const SkinnyArgs &p, int64_t ws_floats, cudaStream_t stream) {
    int choice, kernel;
    NMC_TRY(nmc::env_choice("NMC_SKINNY_WARP", {"16", "32"}, &choice));
    NMC_TRY(nmc::env_choice("NMC_SKINNY_KERNEL", {"smem", "wreg"}, &kernel));
    if (kernel != 0 && W::BYTES == 1) {  // wreg named, or unset with FP8 weights
        cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
        NMC_CUDA(cudaStreamIsCapturing(stream, &capturing));
        if (kernel == 1) NMC_TRY(wreg_conversion_checked(capturing == cudaStreamCaptureStatusNone));
        else if (wreg_conversion_ok(capturing == cudaStreamCaptureStatusNone)) kernel = 1;
    }
    if (kernel == 1)
        return choice == 1 ? dispatch_wreg<W, 2>(p, ws_floats, stream) : dispatch_wreg<W, 1>(p, ws_floats, stream);
    const bool wide = choice < 0 ? W::BYTES == 1 && p.block > 0 : choice == 1;
    return dispatch_nt<W>(p, ws_floats, stream, wide ? 2 : 1);
}

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

template <typename W, int WM, int... NT>
cudaError_t set_smem(std::integer_sequence<int, NT...>) {
    cudaError_t err = cudaSuccess;
    ((err = err != cudaSuccess ? err
                               : cudaFuncSetAttribute(skinny_gemm_kernel<W, NT + 1, WM>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                      Stage<W, NT + 1>::BYTES * STAGES)),
     ...);
    ((err = err != cudaSuccess ? err
                               : cudaOccupancyMaxActiveBlocksPerMultiprocessor(&g_occupancy[W::BYTES == 1][NT + 1][WM - 1],
                                                                              skinny_gemm_kernel<W, NT + 1, WM>, WARPS * 32,
                                                                              Stage<W, NT + 1>::BYTES * STAGES)),
     ...);
    return err;
}

template <typename W, int WM, int... NT>
cudaError_t set_smem_wreg(std::integer_sequence<int, NT...>) {
    cudaError_t err = cudaSuccess;
    ((err = err != cudaSuccess ? err
                               : cudaFuncSetAttribute(skinny_wreg_kernel<W, NT + 1, WM>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                      WregShape<W>::template smem_bytes<NT + 1>())),
     ...);
    ((err = err != cudaSuccess ? err
                               : cudaOccupancyMaxActiveBlocksPerMultiprocessor(&g_occupancy_wreg[W::BYTES == 1][NT + 1][WM - 1],
                                                                              skinny_wreg_kernel<W, NT + 1, WM>, WR_WARPS * 32,
                                                                              WregShape<W>::template smem_bytes<NT + 1>())),
     ...);
    return err;
}

// The wreg kernel's E4M3 -> BF16 by bits against the CUDA conversion, on this GPU: thread a converts
// the code pairs (a, a ^ 0x80) and (a ^ 0x80, a) (every non-NaN code, both signs, both byte selections;
// the subnormal codes rely on mul.rn.bf16x2 keeping subnormal inputs). *bad = the wrong ones.
__global__ void wreg_conversion_check_kernel(int *bad) {
    const uint32_t a = threadIdx.x, b = a ^ 0x80u;
    if ((a & 0x7f) == 0x7f) return;
    const uint32_t q = a | b << 8 | b << 16 | a << 24;
    const uint32_t got[2] = {e4m3x2_exact_bf16x2(q, 0x1404u), e4m3x2_exact_bf16x2(q, 0x3424u)};
    const uint32_t codes[4] = {a, b, b, a};
    for (int i = 0; i < 4; i++) {
        const __half_raw h = __nv_cvt_fp8_to_halfraw((__nv_fp8_storage_t)codes[i], __NV_E4M3);
        const float want = __half2float(*reinterpret_cast<const __half *>(&h));
        const uint32_t bits = (got[i >> 1] >> (16 * (i & 1))) & 0xffffu;
        const float have = __uint_as_float(bits << 16);
        if (have != want || signbit(have) != signbit(want)) atomicAdd(bad, 1);
    }
}

// once per process (skinny_gemm_init with the switch set, or the first wreg GEMM outside a graph
// capture; may_run false: inside one, only an earlier result counts): the check above, an error if it
// failed
int g_wreg_conversion = -1;  // -1 not run, 0 exact, > 0 wrong conversions
int wreg_conversion_checked(bool may_run) {
    int &result = g_wreg_conversion;
    if (result < 0 && may_run) {
        int *d = nullptr, bad = 0;
        NMC_CUDA(cudaMalloc(&d, sizeof(int)));
        NMC_CUDA(cudaMemset(d, 0, sizeof(int)));
        wreg_conversion_check_kernel<<<1, 256>>>(d);
        const cudaError_t err = cudaMemcpy(&bad, d, sizeof(int), cudaMemcpyDeviceToHost);
        cudaFree(d);
        NMC_CUDA(err);
        result = bad;
    }
    if (result > 0)
        return nmc::fail("NMC_SKINNY_KERNEL=wreg: " + std::to_string(result) +
                         " E4M3 codes convert wrongly on this GPU (BF16 products flush subnormals?); unset NMC_SKINNY_KERNEL");
    return NMC_OK;
}

// The default's question: has the check run and passed (running it first where may_run)? No error.
bool wreg_conversion_ok(bool may_run) {
    if (g_wreg_conversion < 0 && may_run) {
        const int saved = g_wreg_conversion;
        if (wreg_conversion_checked(true) != NMC_OK && g_wreg_conversion == saved) return false;  // could not run
    }
    return g_wreg_conversion == 0;
}

}  // namespace

int decode_gemm_skinny(int *forced) {
    int choice;  // 0 skinny, 1 old, -1 unset
    NMC_TRY(nmc::env_choice("NMC_DECODE_GEMM", {"skinny", "old"}, &choice));
    *forced = choice < 0 ? -1 : choice == 0 ? 1 : 0;
    return NMC_OK;
}

bool skinny_gemm_bf16_supported(const void *x, const void *w, int rows, int in, int out) {
    return rows >= 1 && rows <= 64 && in % BKT == 0 && out > 0 && aligned16(x) && aligned16(w);
}

int skinny_gemm_init() {
    NMC_CUDA((set_smem<WBf16, 1>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem<WE4m3, 1>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem<WBf16, 2>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem<WE4m3, 2>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem_wreg<WBf16, 1>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem_wreg<WE4m3, 1>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem_wreg<WBf16, 2>(std::make_integer_sequence<int, 8>{})));
    NMC_CUDA((set_smem_wreg<WE4m3, 2>(std::make_integer_sequence<int, 8>{})));
    const int kernel = nmc::choice_index(nmc::env_value("NMC_SKINNY_KERNEL"), {"smem", "wreg"});
    if (kernel == 1) NMC_TRY(wreg_conversion_checked(true));
    else if (kernel < 0) (void)wreg_conversion_ok(true);  // the default's choice, made before any graph capture
    return NMC_OK;
}

int64_t skinny_workspace_floats(int rows) {
    // fill: splits > 1 only while tiles_o < target: splits x out < 2 target x BO. waves: launch
    // caps the splits at what this holds (fewer splits, never an overrun)
    return (int64_t)std::min(std::max(rows, 0), 64) * 2 * target_blocks() * BO;
}

int skinny_gemm_bf16(const void *x, const void *w, float *y, int rows, int in, int out, float beta, float *ws,
                     int64_t ws_floats, cudaStream_t stream) {
    if (!skinny_gemm_bf16_supported(x, w, rows, in, out))
        return nmc::fail("skinny GEMM: 1 to 64 rows, in a multiple of 64, 16-byte aligned x and W");
    SkinnyArgs p{static_cast<const bf16 *>(x), rows, in, out, w, nullptr, 0, 1, 0, y, beta, 0, ws};
    return dispatch<WBf16>(p, ws_floats, stream);
}

bool skinny_gemm_fp8_supported(const void *x, const Fp8Weight &f, int rows) {
    return rows >= 1 && rows <= 64 && f.in % BKT == 0 && f.out > 0 && (f.block == 0 || f.block % 16 == 0) &&
           aligned16(x) && aligned16(f.q);
}

int skinny_gemm_fp8(const void *x, const Fp8Weight &f, float *y, int rows, float beta, float *ws, int64_t ws_floats,
                    cudaStream_t stream) {
    if (!skinny_gemm_fp8_supported(x, f, rows))
        return nmc::fail("skinny GEMM (FP8): 1 to 64 rows, in a multiple of 64, scale blocks of a multiple of 16");
    const int scale_rows = f.row_block > 0 ? f.row_block : std::max(f.block, 1);
    const int scale_cols = f.block > 0 ? (f.in + f.block - 1) / f.block : 0;
    SkinnyArgs p{static_cast<const bf16 *>(x), rows, f.in, f.out, f.q, f.scale, f.block, scale_rows, scale_cols, y, beta, 0, ws};
    return dispatch<WE4m3>(p, ws_floats, stream);
}

}  // namespace nmc::k
