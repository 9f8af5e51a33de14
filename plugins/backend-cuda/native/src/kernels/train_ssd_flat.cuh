// The chunked SSD scan's flat element-wise kernels (NMC_SCAN_ELEM=old: one thread an element of the
// whole tensor; the default is the row and tile kernels of train_ssd_rows.cuh) and the sequential
// passes' shared constant CU. Included by train_ssd.cu inside its anonymous namespace (Q, QQ, T,
// GRID_LOOP, warp_sum); its header numbers the steps and names the buffers.
#pragma once

// ---- element-wise kernels (step numbers as the header) ----

// The sequential passes (F1, F6, B4, B12) load CU steps' inputs before they compute any: CU loads in
// flight a thread instead of one load latency a step. Q is a multiple of CU.
constexpr int CU = 16;
static_assert(Q % CU == 0, "the cumulative sums walk a chunk CU rows at a time");

// dst [B Lp, w] = src [B L, w] with zero rows past L
__global__ void pad_rows(const float *src, int L, int Lp, int w, int64_t n, float *dst) {
    GRID_LOOP(i, n) {
        int64_t r = i / w;
        int t = (int)(r % Lp);
        dst[i] = t < L ? src[((r / Lp) * L + t) * w + i % w] : 0.0f;
    }
}

// head-major index of row r, column j = h P + p: [B nc, H, Q, P]
__device__ __forceinline__ int64_t hm(int64_t r, int j, int H, int P) {
    return ((r / Q * H + j / P) * Q + r % Q) * P + j % P;
}

// dst [B nc, H, Q, P] (head-major) = the first H P columns of src [B Lp, ld]
__global__ void to_heads(const float *src, int ld, int H, int P, int64_t n, float *dst) {
    GRID_LOOP(i, n) {
        int HP = H * P, j = (int)(i % HP);
        int64_t r = i / HP;
        dst[hm(r, j, H, P)] = src[r * ld + j];
    }
}

// F1. one thread per (bc, h); the chunk's dt loaded CU at a time before the running sum (loads in
// flight together; same operations in the same order)
__global__ void chunk_cumsum(const float *dtp, const float *a_log, int H, int64_t n, float *acs) {
    GRID_LOOP(i, n) {
        int h = (int)(i % H);
        float A = -expf(a_log[h]), run = 0.0f;
        for (int l0 = 0; l0 < Q; l0 += CU) {
            float dt[CU];
#pragma unroll
            for (int u = 0; u < CU; u++) dt[u] = dtp[((i / H) * Q + l0 + u) * H + h];
#pragma unroll
            for (int u = 0; u < CU; u++) {
                run += dt[u] * A;
                acs[((i / H) * Q + l0 + u) * H + h] = run;
            }
        }
    }
}

// F3.
__global__ void mask_m(const float *cb, const float *acs, const float *dtp, int H, int G, int hg, int64_t n, float *m) {
    GRID_LOOP(i, n) {
        int s = (int)(i % Q), l = (int)((i / Q) % Q), h = (int)((i / QQ) % H);
        int64_t bc = i / ((int64_t)QQ * H), rl = bc * Q + l, rs = bc * Q + s;
        m[i] = s <= l ? cb[((bc * G + h / hg) * Q + l) * Q + s] * expf(acs[rl * H + h] - acs[rs * H + h]) * dtp[rs * H + h]
                      : 0.0f;
    }
}

// F4.
__global__ void weigh_x(const float *xp, int cd, const float *dtp, const float *acs, int H, int P, int64_t n,
                        float *xw) {
    GRID_LOOP(i, n) {
        int HP = H * P, j = (int)(i % HP), h = j / P;
        int64_t r = i / HP, last = (r / Q) * Q + Q - 1;
        xw[i] = xp[r * cd + j] * dtp[r * H + h] * expf(acs[last * H + h] - acs[r * H + h]);
    }
}

// F9.
__global__ void finalize_y(float *yo, const float *yd, const float *xp, int cd, const float *acs, const float *d,
                           int L, int Lp, int H, int P, int64_t n, float *y) {
    GRID_LOOP(i, n) {
        int HP = H * P, j = (int)(i % HP), h = j / P;
        int64_t o = i / HP, r = (o / L) * Lp + o % L;
        float v = yo[r * HP + j] * expf(acs[r * H + h]);
        yo[r * HP + j] = v;
        y[i] = v + yd[hm(r, j, H, P)] + d[h] * xp[r * cd + j];
    }
}

// B0. dys = dyp exp(acs)
__global__ void scale_dy(const float *dyp, const float *acs, int H, int P, int64_t n, float *dys) {
    GRID_LOOP(i, n) {
        int64_t r = i / (H * P);
        int h = (int)(i % (H * P)) / P;
        dys[i] = dyp[i] * expf(acs[r * H + h]);
    }
}

// B1. one warp per (r, h): dacs = dy . yo (written); dD += dy . x
__global__ void dy_dots(const float *dyp, const float *yo, const float *xp, int cd, int H, int P, int64_t rows,
                        float *dacs, float *dd) {
    int64_t wi = (blockIdx.x * (int64_t)blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (wi >= rows * H) return;
    int64_t r = wi / H;
    int h = (int)(wi % H);
    float sy = 0.0f, sx = 0.0f;
    for (int p = lane; p < P; p += 32) {
        int64_t j = r * H * P + h * P + p;
        sy += dyp[j] * yo[j];
        sx += dyp[j] * xp[r * cd + h * P + p];
    }
    sy = warp_sum(sy);
    sx = warp_sum(sx);
    if (lane == 0) {
        dacs[r * H + h] = sy;
        if (sx != 0.0f) atomicAdd(&dd[h], sx);
    }
}

// B7. one warp per (r, h)
__global__ void weigh_x_bwd(const float *dxw, const float *xp, int cd, const float *dtp, const float *acs, int H, int P,
                            int64_t rows, float *dx, float *ddt, float *dacs) {
    int64_t wi = (blockIdx.x * (int64_t)blockDim.x + threadIdx.x) >> 5;
    int lane = threadIdx.x & 31;
    if (wi >= rows * H) return;
    int64_t r = wi / H, last = (r / Q) * Q + Q - 1;
    int h = (int)(wi % H);
    float dtv = dtp[r * H + h], dec = expf(acs[last * H + h] - acs[r * H + h]), rd = 0.0f;
    for (int p = lane; p < P; p += 32) {
        int64_t j = r * H * P + h * P + p;
        rd += dxw[j] * xp[r * cd + h * P + p];
        dx[hm(r, h * P + p, H, P)] = dxw[j] * dtv * dec;
    }
    rd = warp_sum(rd);
    if (lane == 0) {
        ddt[r * H + h] = rd * dec;
        atomicAdd(&dacs[r * H + h], -rd * dtv * dec);
        atomicAdd(&dacs[last * H + h], rd * dtv * dec);
    }
}

// B10a. block per (bc, h), thread j < Q: row j and column j of w = dm m and of dm cb exp(..)
__global__ void mask_bwd_rows(const float *dm, const float *m, const float *cb, const float *acs, int H, int G, int hg,
                              float *dacs, float *ddt) {
    int64_t bc = blockIdx.x / H;
    int h = blockIdx.x % H, j = threadIdx.x;
    const float *dmh = dm + (bc * H + h) * QQ, *mh = m + (bc * H + h) * QQ, *cbg = cb + (bc * G + h / hg) * QQ;
    int64_t rj = bc * Q + j;
    float aj = acs[rj * H + h], row = 0.0f, col = 0.0f, colt = 0.0f;
    for (int s = 0; s <= j; s++) row += dmh[j * Q + s] * mh[j * Q + s];
    for (int l = j; l < Q; l++) {
        col += dmh[l * Q + j] * mh[l * Q + j];
        colt += dmh[l * Q + j] * cbg[l * Q + j] * expf(acs[(bc * Q + l) * H + h] - aj);
    }
    dacs[rj * H + h] += row - col;
    ddt[rj * H + h] += colt;
}

// B10b. dcb[bc, g, l, s]
__global__ void mask_bwd_cb(const float *dm, const float *acs, const float *dtp, int H, int G, int hg, int64_t n,
                            float *dcb) {
    GRID_LOOP(i, n) {
        int s = (int)(i % Q), l = (int)((i / Q) % Q), g = (int)((i / QQ) % G);
        int64_t bc = i / ((int64_t)QQ * G), rl = bc * Q + l, rs = bc * Q + s;
        float sum = 0.0f;
        if (s <= l) {
            for (int h = g * hg; h < (g + 1) * hg; h++)
                sum += dm[((bc * H + h) * Q + l) * Q + s] * expf(acs[rl * H + h] - acs[rs * H + h]) * dtp[rs * H + h];
        }
        dcb[i] = sum;
    }
}

// B12. one thread per (bc, h); CU rows' dacs, dt and ddt loaded together before the running sum
// (same operations in the same order)
__global__ void chunk_cumsum_bwd(const float *dacs, const float *dtp, const float *a_log, int H, int64_t n, float *ddt,
                                 float *da_log) {
    GRID_LOOP(i, n) {
        int h = (int)(i % H);
        float A = -expf(a_log[h]), run = 0.0f, dA = 0.0f;
        for (int l1 = Q - 1; l1 >= 0; l1 -= CU) {
            float da[CU], dt[CU], dd[CU];
#pragma unroll
            for (int u = 0; u < CU; u++) {
                int64_t r = (i / H) * Q + l1 - u;
                da[u] = dacs[r * H + h];
                dt[u] = dtp[r * H + h];
                dd[u] = ddt[r * H + h];
            }
#pragma unroll
            for (int u = 0; u < CU; u++) {
                run += da[u];
                ddt[((i / H) * Q + l1 - u) * H + h] = dd[u] + A * run;
                dA += dt[u] * run;
            }
        }
        if (dA != 0.0f) atomicAdd(&da_log[h], A * dA);
    }
}

// B13.
__global__ void unpack_dxbc(const float *dx, const float *dyp, const float *dbc, const float *d, int L, int Lp, int H,
                            int P, int GN2, int cd, int64_t n, float *dxbc) {
    GRID_LOOP(i, n) {
        int j = (int)(i % cd), HP = H * P;
        int64_t o = i / cd, r = (o / L) * Lp + o % L;
        dxbc[i] = j < HP ? dx[hm(r, j, H, P)] + d[j / P] * dyp[r * HP + j] : dbc[r * GN2 + j - HP];
    }
}

__global__ void unpad_rows(const float *src, int L, int Lp, int w, int64_t n, float *dst) {
    GRID_LOOP(i, n) {
        int64_t o = i / w;
        dst[i] = src[((o / L) * Lp + o % L) * w + i % w];
    }
}
