// The probe of gemm_lt.h's FP8 path: before the first block-scaled GEMM on a device, tiny GEMMs on
// E4M3 codes and power-of-two block scales made on the host run through cuBLASLt and are compared
// with a double reference, once per candidate scale layout (gemm_lt_internal.h), so the layouts the
// library reads are confirmed on the device at hand instead of believed; the report names every
// step's error or cuBLAS status.
//   1. 2D x 1D (forward, data gradient): A 128x128 blocks (256 rows), B 1x128 (64 rows), K 384
//   2. a 1x128 operand of 66 rows (the padding of its outer stride)
//   3. 1D x 1D (the weight gradient)
//   4. K 320 (a partial last 128-block; the FP8 prefill of unpadded checkpoints)
#include "gemm_lt_internal.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace nmc::lt_detail {
namespace {


float e4m3_decode(uint8_t c) {
    int s = c >> 7, e = (c >> 3) & 15, m = c & 7;
    if (e == 15 && m == 7) return NAN;
    float v = e == 0 ? std::ldexp((float)m / 8.0f, -6) : std::ldexp(1.0f + (float)m / 8.0f, e - 7);
    return s ? -v : v;
}

struct ProbeOperand {
    int outer, mode;
    std::vector<uint8_t> codes;   // [outer, k_pad]
    std::vector<float> block;     // logical scales: VEC [outer][kb], BLK [ob][kb]
};

ProbeOperand probe_operand(int outer, int mode, int k_pad, uint32_t seed) {
    ProbeOperand p{outer, mode, {}, {}};
    std::mt19937 g(seed);
    p.codes.resize((size_t)outer * k_pad);
    for (uint8_t &c : p.codes) {
        c = (uint8_t)(g() & 0xff);
        if ((c & 0x7f) == 0x7f) c = 0x7e;         // no NaN
        if (((c >> 3) & 15) > 10) c &= 0xd7;       // magnitudes up to ~16: exponents <= 10
    }
    int kb = (k_pad + 127) / 128, rows = mode == LT_VEC128 ? outer : (outer + 127) / 128;
    p.block.resize((size_t)rows * kb);
    for (size_t i = 0; i < p.block.size(); i++) p.block[i] = std::ldexp(1.0f, (int)(g() % 7) - 3);  // 2^-3 .. 2^3
    return p;
}

float probe_scale(const ProbeOperand &p, int o, int k) {
    int kb_n = (int)(p.block.size() / (p.mode == LT_VEC128 ? p.outer : (p.outer + 127) / 128));
    int row = p.mode == LT_VEC128 ? o : o / 128;
    return p.block[(size_t)row * kb_n + k / 128];
}

std::vector<float> probe_scales_as(const ProbeOperand &p, int variant, int k_pad) {
    int kb = (k_pad + 127) / 128, rows = p.mode == LT_VEC128 ? p.outer : (p.outer + 127) / 128;
    int64_t so, sk;
    strides_of(p.mode, variant, p.outer, kb, &so, &sk);
    std::vector<float> s((size_t)count_of(p.mode, variant, p.outer, kb), 0.0f);
    for (int r = 0; r < rows; r++)
        for (int b = 0; b < kb; b++) s[(size_t)(r * so + b * sk)] = p.block[(size_t)r * kb + b];
    return s;
}

// Runs D = A B^T with the given layouts; *err = max |D - ref| / max |ref|. Returns the cuBLAS
// status (0: it ran), -1 on a CUDA error.
int probe_run(int device, const ProbeOperand &A, int va, const ProbeOperand &B, int vb, int k_pad, int d_type,
              double *err, std::string *why) {
    int m = A.outer, n = B.outer;
    // scale buffers far larger than any candidate needs: a layout the library reads differently
    // from the candidate's must give wrong numbers, never a read past the allocation
    std::vector<float> sa = probe_scales_as(A, va, k_pad), sb = probe_scales_as(B, vb, k_pad);
    sa.resize(std::max<size_t>(sa.size(), 16384), 0.0f);
    sb.resize(std::max<size_t>(sb.size(), 16384), 0.0f);
    uint8_t *da = nullptr, *db = nullptr;
    float *dsa = nullptr, *dsb = nullptr;
    void *dd = nullptr, *ws = nullptr;
    size_t ws_bytes = 4u << 20;
    cudaStream_t st = nullptr;
    int rc = -1;
    std::vector<float> got((size_t)m * n);
    std::vector<uint16_t> got16((size_t)m * n);
    size_t d_el = d_type == R_32F ? 4 : 2;
    if (cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking) == cudaSuccess &&
        cudaMalloc((void **)&da, A.codes.size()) == cudaSuccess && cudaMalloc((void **)&db, B.codes.size()) == cudaSuccess &&
        cudaMalloc((void **)&dsa, sa.size() * 4) == cudaSuccess && cudaMalloc((void **)&dsb, sb.size() * 4) == cudaSuccess &&
        cudaMalloc(&dd, (size_t)m * n * d_el) == cudaSuccess && cudaMalloc(&ws, ws_bytes) == cudaSuccess &&
        cudaMemcpy(da, A.codes.data(), A.codes.size(), cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemcpy(db, B.codes.data(), B.codes.size(), cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemcpy(dsa, sa.data(), sa.size() * 4, cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemcpy(dsb, sb.data(), sb.size() * 4, cudaMemcpyHostToDevice) == cudaSuccess &&
        cudaMemset(dd, 0, (size_t)m * n * d_el) == cudaSuccess) {
        LtOperand a{da, dsa, m, A.mode}, b{db, dsb, n, B.mode};
        rc = lt_call(device, st, ws, ws_bytes, a, b, k_pad, 0.0f, dd, d_type, m, why);
        if (rc == 0) {
            cudaError_t e = cudaStreamSynchronize(st);
            if (e == cudaSuccess)
                e = d_type == R_32F ? cudaMemcpy(got.data(), dd, got.size() * 4, cudaMemcpyDeviceToHost)
                                    : cudaMemcpy(got16.data(), dd, got16.size() * 2, cudaMemcpyDeviceToHost);
            if (e != cudaSuccess) {
                rc = -1;
                if (why) *why = std::string("CUDA error after the probe GEMM: ") + cudaGetErrorString(e);
            }
        }
    } else if (why) {
        *why = "CUDA allocation or copy for the probe failed";
        cudaGetLastError();
    }
    if (st) cudaStreamDestroy(st);
    for (void *p : {(void *)da, (void *)db, (void *)dsa, (void *)dsb, dd, ws}) cudaFree(p);
    if (rc != 0) return rc;
    if (d_type != R_32F)
        for (size_t i = 0; i < got.size(); i++) {
            uint32_t u = (uint32_t)got16[i] << 16;
            memcpy(&got[i], &u, 4);
        }
    double worst = 0, norm = 1e-30;
    std::vector<double> ref((size_t)m * n, 0.0);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            double acc = 0;
            for (int k = 0; k < k_pad; k++)
                acc += (double)e4m3_decode(A.codes[(size_t)i * k_pad + k]) * probe_scale(A, i, k) *
                       e4m3_decode(B.codes[(size_t)j * k_pad + k]) * probe_scale(B, j, k);
            ref[(size_t)i + (size_t)j * m] = acc;
            norm = std::max(norm, std::fabs(acc));
        }
    for (size_t i = 0; i < ref.size(); i++) {
        double e = std::fabs(got[i] - ref[i]);
        if (!(e <= worst)) worst = std::isnan(e) ? 1e30 : e;
    }
    *err = worst / norm;
    return 0;
}

}  // namespace

LtInfo probe(int device) {
    LtInfo info;
    const Lt &L = lt();
    auto say = [&](const std::string &s) { info.report += (info.report.empty() ? "" : "\n") + s; };
    if (!L.error.empty()) {
        info.reason = L.error;
        say(info.reason);
        return info;
    }
    info.library = L.name;
    info.version = L.version();
    say("library " + L.name + ", cublasLtGetVersion " + std::to_string(info.version));
    if (info.version < MIN_VERSION) {
        info.reason = "cuBLASLt " + std::to_string(info.version) + " predates block-scaled FP8 (needs 120900+)";
        say(info.reason);
        return info;
    }
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) {
        cudaGetLastError();
        info.reason = "cannot read the properties of device " + std::to_string(device);
        return info;
    }
    say("device sm_" + std::to_string(prop.major) + std::to_string(prop.minor));
    if (prop.major != 9) {
        info.reason = "block-scaled FP8 (VEC128 / BLK128x128) is a Hopper (sm_90) cuBLASLt mode; device is sm_" +
                      std::to_string(prop.major) + std::to_string(prop.minor);
        say(info.reason);
        return info;
    }
    int st = L.create(handle_slot(device));
    if (st != 0) {
        info.reason = "cublasLtCreate returned cuBLAS status " + std::to_string(st);
        say(info.reason);
        return info;
    }
    const double TOL = 1e-3;  // fp32 accumulation of exact products: far below a wrong layout's O(1)
    char buf[256];
    // 1. 2D x 1D (forward and data gradient): A BLK 256 rows (2 blocks), B VEC 64 rows, K 384 (3 blocks)
    const int K = 384;
    ProbeOperand A = probe_operand(256, LT_BLK128, K, 1), B = probe_operand(64, LT_VEC128, K, 2);
    for (int vb : {0, 2}) {
        for (int va = 0; va < 4 && info.blk < 0; va++) {
            double err = 0;
            std::string why;
            int rc = probe_run(device, A, va, B, vb, K, R_32F, &err, &why);
            if (rc != 0) {
                say("2D x 1D probe, fp32 out: " + why);
                if (rc == -1) {
                    info.reason = "probe failed: " + why;
                    return info;
                }
                double e16 = 0;
                std::string w16;
                int r16 = probe_run(device, A, va, B, vb, K, R_16BF, &e16, &w16);
                say(r16 == 0 ? "  (with BF16 out it runs: fp32 out is what is missing; not wired)"
                             : "  with BF16 out as well: " + w16);
                info.reason = "no cuBLASLt algorithm for block-scaled E4M3 with fp32 output: " + why;
                return info;
            }
            snprintf(buf, sizeof buf, "2D x 1D probe: BLK %s, VEC %s: max err %.2e%s", BLK_NAMES[va], VEC_NAMES[vb], err,
                     err <= TOL ? " (match)" : "");
            say(buf);
            if (err <= TOL) {
                info.blk = va;
                info.vec = vb;
            }
        }
        if (info.blk >= 0) break;
    }
    if (info.blk < 0) {
        info.reason = "no candidate scale layout reproduced the host reference (see the probe report)";
        return info;
    }
    info.available = true;
    // 2. a VEC128 operand of 66 rows (not a multiple of 4): which padding of the outer stride
    if (info.vec == 2) {
        info.ragged_outer = true;  // outer-major strides do not depend on the row count
    } else {
        ProbeOperand B66 = probe_operand(66, LT_VEC128, K, 3);
        for (int vb : {info.vec, 1 - info.vec}) {
            double err = 0;
            std::string why;
            int rc = probe_run(device, A, info.blk, B66, vb, K, R_32F, &err, &why);
            if (rc != 0) {
                say("ragged-outer probe (66 rows): " + why + " (such shapes fall back)");
                if (rc == -1) {
                    info.available = false;
                    info.reason = "probe failed: " + why;
                    return info;
                }
                break;
            }
            snprintf(buf, sizeof buf, "ragged-outer probe (66 rows): VEC %s: max err %.2e%s", VEC_NAMES[vb], err,
                     err <= TOL ? " (match)" : "");
            say(buf);
            if (err <= TOL) {
                info.vec = vb;
                info.ragged_outer = true;
                break;
            }
        }
        if (!info.ragged_outer) say("VEC128 operands with a row count not a multiple of 4 fall back to fake quant");
    }
    // 3. 1D x 1D (the weight gradient)
    {
        ProbeOperand A1 = probe_operand(128, LT_VEC128, K, 4), B1 = probe_operand(64, LT_VEC128, K, 5);
        double err = 0;
        std::string why;
        int rc = probe_run(device, A1, info.vec, B1, info.vec, K, R_32F, &err, &why);
        if (rc == 0) {
            snprintf(buf, sizeof buf, "1D x 1D probe: max err %.2e%s", err, err <= TOL ? " (match)" : " (MISMATCH)");
            say(buf);
            info.vec_vec = err <= TOL;
        } else {
            say("1D x 1D probe: " + why + " (weight gradients fall back)");
            if (rc == -1) {
                info.available = false;
                info.reason = "probe failed: " + why;
                return info;
            }
        }
    }
    // 4. a contraction that is no multiple of 128 (320: a last block of 64), for FP8 checkpoints whose
    //    in is not padded (the trainer pads its own operands with zero codes and never needs this)
    {
        const int K2 = 320;
        ProbeOperand A2 = probe_operand(256, LT_BLK128, K2, 6), B2 = probe_operand(64, LT_VEC128, K2, 7);
        double err = 0;
        std::string why;
        int rc = probe_run(device, A2, info.blk, B2, info.vec, K2, R_32F, &err, &why);
        if (rc == 0) {
            snprintf(buf, sizeof buf, "partial-K probe (K 320): max err %.2e%s", err, err <= TOL ? " (match)" : " (MISMATCH)");
            say(buf);
            info.partial_k = err <= TOL;
        } else {
            say("partial-K probe (K 320): " + why + " (contractions not a multiple of 128 fall back)");
            if (rc == -1) {
                info.available = false;
                info.reason = "probe failed: " + why;
                return info;
            }
        }
    }
    return info;
}


}  // namespace nmc::lt_detail
