// The element-wise, padding and re-layout steps of the training SSD scan (train_ssd.cu, whose
// header numbers the steps and names the buffers) as row and tile kernels: NMC_SCAN_ELEM=rows
// (unset or "old": train_ssd.cu's flat kernels). Included by train_ssd.cu inside its anonymous
// namespace (Q, QQ, T, warp_sum). Same shapes and names as there: rows r = bc Q + l of the padded
// sequence, o = b L + t of the unpadded one, j = h P + p.
//
// Why: the flat kernels (one thread an element of the whole tensor) spend their time on 64-bit
// divisions (i / w, r % Lp, ...: a software routine each) rather than memory, re-read the same
// data in separate launches (pad, then heads, then scale, then dots), and the short sequential
// sums (F1, B12) run on one block in sixteen. Here:
//   F0+F1+F4 (dt): dt_cumsum_tile   block (bc, HT heads): dt rows padded into dtp and shared memory,
//                                   then one thread a head sums them in chunk_cumsum's order (acs)
//   F0+F4 (x):     pad_x_rows<V>    block per row r: xbc's row read once; xp, xh (head-major) and
//                                   xw = x dt exp(acs_{Q-1} - acs_r) written (F4 needs F1 first)
//   F3:            mask_m_tile<V>   block per (bc, h): the chunk's acs and dt of h in shared memory
//   F9:            finalize_y_rows<V> block per output row
//   B0+B1:         dy_rows          block (bc, h), a warp a row with dy_dots' lanes and sums: dyh,
//                                   dys, dacs; dD one atomic a block; dyp is no longer written
//   B7:            weigh_x_bwd_rows block (bc, h), a warp a row (weigh_x_bwd's sums); dacs_{Q-1}
//                                   gets the chunk's sum in one atomic instead of Q
//   B12+B13 (ddt): cumsum_bwd_tile  block (bc, HT heads) as dt_cumsum_tile; ddt written unpadded
//   B13 (dxbc):    unpack_dxbc_rows<V> block per output row; D dy from dy itself (dyp's rows t < L)
// V = 4: 16-byte loads and stores where P, H P, conv_dim and every pointer allow (rows_v4), else 1.
// Every output element sees the same floating-point operations in the same order as the flat
// kernel's (bit-identical), except the sums that were atomics in undefined order already: dD
// (now a block's rows summed, then one atomic) and dacs_{Q-1} in B7 (the chunk's rows summed in
// order, then one plain add).
//
// Bytes a pass at hybrid1b's shape (B 1, L 4096, H 64, P 64, G 8, N 128; [L, H P] fp32 = 67 MB,
// xbc 101 MB): F0-F1 (with F4) reads xbc 101, writes xp 101, xh 67, xw 67 = 336 MB (flat: + re-read
// of x twice, 470 MB); F3 writes m 67 MB, reads cb 8; F9 reads yo, yd, x, writes yo, y = 336 MB;
// B0-B1 reads dy, yo, x, writes dyh, dys = 336 MB (flat: 604 MB); B7 reads dxw, x, writes dx = 201
// MB; B12-B13 reads dx, dy, dbc 34, writes dxbc 101 = 269 MB (flat: dyp instead of dy, the same).
#pragma once

// V floats moved as one (V = 4: a 16-byte load or store)
template <int V>
struct alignas(4 * V) Fv {
    float v[V];
};
template <int V>
__device__ __forceinline__ Fv<V> ldv(const float *p) {
    return *reinterpret_cast<const Fv<V> *>(p);
}
template <int V>
__device__ __forceinline__ void stv(float *p, const Fv<V> &x) {
    *reinterpret_cast<Fv<V> *>(p) = x;
}

constexpr int HT = 32;  // heads a tile of the sequential sums

// F0 (dt) + F1. block (bc, HT heads)
__global__ void dt_cumsum_tile(const float *dt, const float *a_log, int L, int nc, int H, float *dtp, float *acs) {
    __shared__ float tile[Q][HT + 1];
    const int64_t bc = blockIdx.x;
    const int b = (int)(bc / nc), c = (int)(bc % nc), h0 = blockIdx.y * HT;
    for (int i = threadIdx.x; i < Q * HT; i += blockDim.x) {
        const int l = i / HT, hh = i % HT, h = h0 + hh, t = c * Q + l;
        if (h >= H) continue;
        const float v = t < L ? dt[((int64_t)b * L + t) * H + h] : 0.0f;
        dtp[(bc * Q + l) * H + h] = v;
        tile[l][hh] = v;
    }
    __syncthreads();
    if ((int)threadIdx.x < HT && h0 + (int)threadIdx.x < H) {
        const int hh = threadIdx.x;
        float A = -expf(a_log[h0 + hh]), run = 0.0f;
        for (int l = 0; l < Q; l++) {
            run += tile[l][hh] * A;
            tile[l][hh] = run;
        }
    }
    __syncthreads();
    for (int i = threadIdx.x; i < Q * HT; i += blockDim.x) {
        const int l = i / HT, hh = i % HT, h = h0 + hh;
        if (h < H) acs[(bc * Q + l) * H + h] = tile[l][hh];
    }
}

// F0 (x | B | C) + F4. block per padded row r; a thread's columns j = V (threadIdx.x + k blockDim.x)
// with their head h and p = j - h P stepped without a division
template <int V>
__global__ void pad_x_rows(const float *xbc, const float *dtp, const float *acs, int L, int Lp, int cd, int H, int P,
                           float *xp, float *xh, float *xw) {
    const int64_t r = blockIdx.x, last = r / Q * Q + Q - 1;
    const int t = (int)(r % Lp), HP = H * P;
    const bool in = t < L;
    const float *src = xbc + ((r / Lp) * L + t) * (int64_t)cd;
    float *dst = xp + r * cd, *heads = xh + (r / Q * H * Q + r % Q) * (int64_t)P, *w = xw + r * HP;
    const int step = V * blockDim.x, dh = step / P, dp = step % P;
    int j = V * threadIdx.x, h = j / P, p = j % P;
    for (; j < HP; j += step) {
        const Fv<V> v = in ? ldv<V>(src + j) : Fv<V>{};
        stv<V>(dst + j, v);
        stv<V>(heads + (int64_t)h * Q * P + p, v);
        const float dtv = dtp[r * H + h], e = expf(acs[last * H + h] - acs[r * H + h]);
        Fv<V> o;
#pragma unroll
        for (int k = 0; k < V; k++) o.v[k] = v.v[k] * dtv * e;
        stv<V>(w + j, o);
        h += dh, p += dp;
        if (p >= P) p -= P, h++;
    }
    for (; j < cd; j += step) stv<V>(dst + j, in ? ldv<V>(src + j) : Fv<V>{});
}

// F3. block per (bc, h)
template <int V>
__global__ void mask_m_tile(const float *cb, const float *acs, const float *dtp, int H, int G, int hg, float *m) {
    __shared__ float a[Q], d[Q];
    const int64_t bc = blockIdx.x / H;
    const int h = blockIdx.x % H;
    if ((int)threadIdx.x < Q) {
        a[threadIdx.x] = acs[(bc * Q + threadIdx.x) * H + h];
        d[threadIdx.x] = dtp[(bc * Q + threadIdx.x) * H + h];
    }
    __syncthreads();
    const float *cbg = cb + (bc * G + h / hg) * QQ;
    float *mh = m + (bc * H + h) * QQ;
    for (int i = V * threadIdx.x; i < QQ; i += V * blockDim.x) {
        const int l = i / Q, s = i % Q;
        const Fv<V> c = ldv<V>(cbg + i);
        Fv<V> o;
#pragma unroll
        for (int k = 0; k < V; k++) o.v[k] = s + k <= l ? c.v[k] * expf(a[l] - a[s + k]) * d[s + k] : 0.0f;
        stv<V>(mh + i, o);
    }
}

// F9. block per output row o (padded row r)
template <int V>
__global__ void finalize_y_rows(float *yo, const float *yd, const float *xp, int cd, const float *acs, const float *d,
                                int L, int Lp, int H, int P, float *y) {
    const int64_t o = blockIdx.x, r = o / L * Lp + o % L;
    const int HP = H * P, step = V * blockDim.x, dh = step / P, dp = step % P;
    const float *ydr = yd + (r / Q * H * Q + r % Q) * (int64_t)P, *x = xp + r * cd;
    float *yor = yo + r * HP, *out = y + o * HP;
    int j = V * threadIdx.x, h = j / P, p = j % P;
    for (; j < HP; j += step) {
        const float e = expf(acs[r * H + h]), dv = d[h];
        Fv<V> a = ldv<V>(yor + j), o4;
        const Fv<V> b = ldv<V>(ydr + (int64_t)h * Q * P + p), xv = ldv<V>(x + j);
#pragma unroll
        for (int k = 0; k < V; k++) {
            const float v = a.v[k] * e;
            a.v[k] = v;
            o4.v[k] = v + b.v[k] + dv * xv.v[k];
        }
        stv<V>(yor + j, a);
        stv<V>(out + j, o4);
        h += dh, p += dp;
        if (p >= P) p -= P, h++;
    }
}

// B0 + B1. block (bc, h); warp per row l, lanes p = lane + 32 k as dy_dots
__global__ void dy_rows(const float *dy, const float *yo, const float *xp, int cd, const float *acs, int L, int nc,
                        int H, int P, float *dyh, float *dys, float *dacs, float *dd) {
    __shared__ float part[32];
    const int64_t bc = blockIdx.x;
    const int h = blockIdx.y, b = (int)(bc / nc), c = (int)(bc % nc), HP = H * P;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    float sxb = 0.0f;
    for (int l = warp; l < Q; l += nw) {
        const int t = c * Q + l;
        const int64_t r = bc * Q + l;
        const float e = expf(acs[r * H + h]);
        const float *g = dy + ((int64_t)b * L + t) * HP + h * P, *yr = yo + r * HP + h * P, *x = xp + r * cd + h * P;
        float *gh = dyh + ((bc * H + h) * Q + l) * P, *gs = dys + r * HP + h * P;
        float sy = 0.0f, sx = 0.0f;
        for (int p = lane; p < P; p += 32) {
            const float v = t < L ? g[p] : 0.0f;
            gh[p] = v;
            gs[p] = v * e;
            sy += v * yr[p];
            sx += v * x[p];
        }
        sy = warp_sum(sy);
        sx = warp_sum(sx);
        if (lane == 0) {
            dacs[r * H + h] = sy;
            sxb += sx;
        }
    }
    if (lane == 0) part[warp] = sxb;
    __syncthreads();
    if (threadIdx.x == 0) {
        float s = 0.0f;
        for (int w = 0; w < nw; w++) s += part[w];
        if (s != 0.0f) atomicAdd(&dd[h], s);
    }
}

// B7. block (bc, h); warp per row l, lanes as weigh_x_bwd
__global__ void weigh_x_bwd_rows(const float *dxw, const float *xp, int cd, const float *dtp, const float *acs, int H,
                                 int P, float *dx, float *ddt, float *dacs) {
    __shared__ float u[Q];
    const int64_t bc = blockIdx.x, last = bc * Q + Q - 1;
    const int h = blockIdx.y, HP = H * P;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    for (int l = warp; l < Q; l += nw) {
        const int64_t r = bc * Q + l;
        const float dtv = dtp[r * H + h], dec = expf(acs[last * H + h] - acs[r * H + h]);
        const float *g = dxw + r * HP + h * P, *x = xp + r * cd + h * P;
        float *o = dx + ((bc * H + h) * Q + l) * P, rd = 0.0f;
        for (int p = lane; p < P; p += 32) {
            rd += g[p] * x[p];
            o[p] = g[p] * dtv * dec;
        }
        rd = warp_sum(rd);
        if (lane == 0) {
            ddt[r * H + h] = rd * dec;
            const float v = rd * dtv * dec;
            u[l] = v;
            atomicAdd(&dacs[r * H + h], -v);  // as weigh_x_bwd (a plain add might fuse the product into an FMA)
        }
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        float s = 0.0f;
        for (int l = 0; l < Q; l++) s += u[l];
        atomicAdd(&dacs[last * H + h], s);
    }
}

// B12 + B13 (ddt). block (bc, HT heads): chunk_cumsum_bwd's sums from shared memory
__global__ void cumsum_bwd_tile(const float *dacs, const float *dtp, const float *ddtp, const float *a_log, int L, int nc,
                                int H, float *ddt, float *da_log) {
    __shared__ float da[Q][HT + 1], dt[Q][HT + 1], dd[Q][HT + 1];
    const int64_t bc = blockIdx.x;
    const int b = (int)(bc / nc), c = (int)(bc % nc), h0 = blockIdx.y * HT;
    for (int i = threadIdx.x; i < Q * HT; i += blockDim.x) {
        const int l = i / HT, hh = i % HT, h = h0 + hh;
        if (h >= H) continue;
        const int64_t k = (bc * Q + l) * H + h;
        da[l][hh] = dacs[k], dt[l][hh] = dtp[k], dd[l][hh] = ddtp[k];
    }
    __syncthreads();
    if ((int)threadIdx.x < HT && h0 + (int)threadIdx.x < H) {
        const int hh = threadIdx.x;
        float A = -expf(a_log[h0 + hh]), run = 0.0f, dA = 0.0f;
        for (int l = Q - 1; l >= 0; l--) {
            run += da[l][hh];
            dd[l][hh] = dd[l][hh] + A * run;
            dA += dt[l][hh] * run;
        }
        if (dA != 0.0f) atomicAdd(&da_log[h0 + hh], A * dA);
    }
    __syncthreads();
    for (int i = threadIdx.x; i < Q * HT; i += blockDim.x) {
        const int l = i / HT, hh = i % HT, h = h0 + hh, t = c * Q + l;
        if (h < H && t < L) ddt[((int64_t)b * L + t) * H + h] = dd[l][hh];
    }
}

// B13 (dxbc). block per output row o (padded row r)
template <int V>
__global__ void unpack_dxbc_rows(const float *dx, const float *dy, const float *dbc, const float *d, int L, int Lp,
                                 int H, int P, int GN2, int cd, float *dxbc) {
    const int64_t o = blockIdx.x, r = o / L * Lp + o % L;
    const int HP = H * P, step = V * blockDim.x, dh = step / P, dp = step % P;
    const float *dxr = dx + (r / Q * H * Q + r % Q) * (int64_t)P, *g = dy + o * HP, *bc = dbc + r * GN2;
    float *out = dxbc + o * cd;
    int j = V * threadIdx.x, h = j / P, p = j % P;
    for (; j < HP; j += step) {
        const Fv<V> a = ldv<V>(dxr + (int64_t)h * Q * P + p), b = ldv<V>(g + j);
        const float dv = d[h];
        Fv<V> v;
#pragma unroll
        for (int k = 0; k < V; k++) v.v[k] = a.v[k] + dv * b.v[k];
        stv<V>(out + j, v);
        h += dh, p += dp;
        if (p >= P) p -= P, h++;
    }
    for (; j < cd; j += step) stv<V>(out + j, ldv<V>(bc + (j - HP)));
}

// 16-byte vectors for the row kernels: widths a multiple of 4 floats and every pointer 16-byte aligned
inline bool rows_v4(std::initializer_list<int> widths, std::initializer_list<const void *> ptrs) {
    for (int w : widths)
        if (w % 4) return false;
    for (const void *p : ptrs)
        if (reinterpret_cast<uintptr_t>(p) % 16) return false;
    return true;
}
