// The SSD scan's state passes: F6 and B4 on their own (chunk_states, chunk_states_bwd: unset or
// NMC_TRAIN_SCAN_STATES=gemm, after cuBLAS's F5 and B3), and with their state GEMM inside
// (NMC_TRAIN_SCAN_STATES=fused: state_pass). Included by train_ssd.cu inside its anonymous namespace
// (Q, T, CU, GRID_LOOP, warp_sum, Fv of train_ssd_rows.cuh); its header numbers the steps.
//
// Why (docs/ssd-backward.md §3b): F5 writes the chunks' local states st [B nc, H, P, N] (134 MB at
// hybrid1b's shape), F6 reads and rewrites all of them; B3 writes ds, B4 reads ds and st and
// rewrites ds. Each pass streams well; together they move the state tensors five times. Here one
// block walks the chunks of one (b, h, N tile) in order (forward) or in reverse (backward), keeps
// its part of the running state in registers and makes each chunk's local state itself:
//
//   forward  (F5 + F6): U = xw, V = B   out = st   S_0 = 0; per chunk c:
//                        st[c] = S;  loc = U_c^T V_c;  S = exp(acs_{Q-1}[c]) S + loc
//   backward (B3 + B4): U = dys, V = C  out = ds   gs = 0; per chunk c from the last:
//                        ds[c] = gs;  dacs_{Q-1}[c] += e_c <gs, st[c]>;  gs = U_c^T V_c + e_c gs
//
// shapes: U [B Lp, H P] (column h P + p), V the rows of xp [B Lp, cd] at column vcol + g N + n,
//         out (and sin, the backward's st) [B nc, H, P, N], acs [B Lp, H], dacs [B Lp, H].
// block (N tile of SNT = 32 columns, b H + h), 2 P threads: thread (pi, ni) owns rows p = 4 pi .. 4 pi + 3
// and columns n = n0 + 4 ni .. + 3 of S, 16 floats in registers. Per chunk the block stages U_c
// [Q, P] and V_c [Q, SNT] in shared memory from registers loaded during the chunk before (PF float4s a
// thread), then every thread sums its 4 x 4 outputs over q in order with fmaf. The products are fp32
// (no TF32, no BF16 operands) whatever ScanArgs::dtype says.
// Traffic at hybrid1b's shape: U 67 MB, V 17 MB (each group's V read by its heads, mostly from L2),
// out 134 MB written once (backward: sin 134 MB read once) against F5-F6's 486 MB and B3-B4's 620 MB.
// The same S, gs and dacs as the GEMM path up to the order of the local state's sum (cuBLAS's) and
// of the dot's (a thread's 16 products, then the block): not bit-equal, within 1e-5 of it.
#pragma once

// ---- the separate passes (NMC_TRAIN_SCAN_STATES unset or gemm: after cuBLAS's F5 and B3) ----

// F6. one thread per (b, h, e < P N), sequential over the chunks. The chunks' local states (and
// decays) are loaded CU at a time before any is replaced: CU independent loads in flight instead
// of one load latency a chunk (the pass is latency-bound, not bandwidth-bound: 64 chunks of a
// 4,096-token sequence, 0.13 GB at hybrid1b's shape). Same operations in the same order as one
// chunk at a time, so the same bits.
__global__ void chunk_states(const float *acs, int nc, int H, int64_t PN, int64_t n, float *st) {
    GRID_LOOP(i, n) {
        int64_t e = i % PN, bh = i / PN, b = bh / H;
        int h = (int)(bh % H);
        float run = 0.0f;
        for (int c0 = 0; c0 < nc; c0 += CU) {
            float loc[CU], la[CU];
#pragma unroll
            for (int u = 0; u < CU; u++) {
                int64_t bc = b * nc + (c0 + u < nc ? c0 + u : nc - 1);
                loc[u] = st[(bc * H + h) * PN + e];
                la[u] = acs[(bc * Q + Q - 1) * H + h];
            }
#pragma unroll
            for (int u = 0; u < CU; u++) {
                if (c0 + u >= nc) break;
                st[((b * nc + c0 + u) * H + h) * PN + e] = run;
                run = expf(la[u]) * run + loc[u];
            }
        }
    }
}

// B4. block (e tile, b h); threads over e = (p, n); reverse over the chunks, CU at a time: their
// ds, st and decays loaded first (independent loads in flight), then the sequential part, then
// the CU block sums of <gs, S_c> together (one shared-memory round instead of one a chunk).
__global__ void chunk_states_bwd(const float *st, const float *acs, int nc, int H, int64_t PN, float *ds, float *dacs) {
    __shared__ float part[T / 32][CU];
    int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
    int64_t b = blockIdx.y / H;
    int h = blockIdx.y % H;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    bool on = e < PN;
    float gs = 0.0f;
    for (int c1 = nc - 1; c1 >= 0; c1 -= CU) {
        float direct[CU], sv[CU], ec[CU], dot[CU];
#pragma unroll
        for (int u = 0; u < CU; u++) {  // chunk c1 - u (clamped: past chunk 0 nothing is used)
            int64_t bc = b * nc + (c1 - u > 0 ? c1 - u : 0), idx = (bc * H + h) * PN + e;
            direct[u] = on ? ds[idx] : 0.0f;
            sv[u] = on ? st[idx] : 0.0f;
            ec[u] = expf(acs[(bc * Q + Q - 1) * H + h]);
        }
#pragma unroll
        for (int u = 0; u < CU; u++) {
            dot[u] = 0.0f;
            if (c1 - u < 0) continue;
            if (on) ds[((b * nc + c1 - u) * H + h) * PN + e] = gs;
            dot[u] = gs * sv[u];
            gs = direct[u] + ec[u] * gs;
        }
#pragma unroll
        for (int u = 0; u < CU; u++) {
            float v = warp_sum(dot[u]);
            if (lane == 0) part[warp][u] = v;
        }
        __syncthreads();
        if (threadIdx.x < CU && c1 - (int)threadIdx.x >= 0) {
            const int u = threadIdx.x;
            float sum = 0.0f;
            for (int w = 0; w < (int)(blockDim.x >> 5); w++) sum += part[w][u];
            const int64_t last = ((b * nc + c1 - u) * Q + Q - 1) * H + h;
            atomicAdd(&dacs[last], expf(acs[last]) * sum);  // = ec[u] (no dynamic register index)
        }
        __syncthreads();
    }
}

// ---- the fused passes (NMC_TRAIN_SCAN_STATES=fused) ----

constexpr int SNT = 32;      // state columns a block
constexpr int SP_MAX = 128;  // largest head_dim (2 P threads a block)

// P a multiple of 16 (whole warps) from 16 to 128, N a multiple of SNT, rows of xp 16-byte aligned
bool state_pass_supported(int P, int N, int cd) { return P % 16 == 0 && P >= 16 && P <= SP_MAX && N % SNT == 0 && cd % 4 == 0; }

// float4s of U_c and V_c each thread stages: (Q P / 4 + Q SNT / 4) / (2 P) = 8 + 256 / P
constexpr int state_prefetch(int P) { return P >= 64 ? 12 : P >= 32 ? 16 : 24; }

// emu-begin (test/emu/ssd_emulate.cpp runs this file's kernels through train_ssd.cu)
template <bool REVERSE, int PF>
__global__ void __launch_bounds__(2 * SP_MAX) state_pass(const float *U, const float *xp, int cd, int vcol,
                                                         const float *acs, const float *sin, int nc, int H, int P, int hg,
                                                         int N, float *out, float *dacs) {
    __shared__ Fv<4> us[Q * SP_MAX / 4];  // U_c [Q, P]
    __shared__ Fv<4> vs[Q * SNT / 4];     // V_c [Q, SNT]
    __shared__ float part[2 * SP_MAX / 32];
    const int h = blockIdx.y % H, b = blockIdx.y / H, g = h / hg, n0 = blockIdx.x * SNT;
    const int tid = threadIdx.x, threads = blockDim.x, ni = tid % (SNT / 4), pi = tid / (SNT / 4);
    const int P4 = P / 4, HP = H * P, nu = Q * P4, total = nu + Q * (SNT / 4);
    // 1. chunk c's U and V tiles, its decay's exponent and (backward) this thread's tile of S_c into
    //    registers, a chunk ahead (the tiles are stored to shared memory at the top of its turn)
    Fv<4> pre[PF], sv_pre[4];
    float la_pre = 0.0f;
    auto fetch = [&](int c) {
        const int64_t bc = (int64_t)b * nc + c, r0 = bc * Q;
        la_pre = acs[(r0 + Q - 1) * H + h];
        if (REVERSE) {
            const float *srow = sin + ((bc * H + h) * P + 4 * pi) * N + n0 + 4 * ni;
#pragma unroll
            for (int i = 0; i < 4; i++) sv_pre[i] = *reinterpret_cast<const Fv<4> *>(srow + (int64_t)i * N);
        }
#pragma unroll
        for (int k = 0; k < PF; k++) {
            const int i = tid + k * threads;
            if (i < nu) {
                pre[k] = *reinterpret_cast<const Fv<4> *>(U + (r0 + i / P4) * HP + h * P + 4 * (i % P4));
            } else if (i < total) {
                const int j = i - nu;
                pre[k] = *reinterpret_cast<const Fv<4> *>(xp + (r0 + j / (SNT / 4)) * cd + vcol + g * N + n0 + 4 * (j % (SNT / 4)));
            }
        }
    };
    float run[4][4];  // S (forward) or gs (backward), rows 4 pi + i, columns n0 + 4 ni + j
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) run[i][j] = 0.0f;
    fetch(REVERSE ? nc - 1 : 0);
    for (int it = 0; it < nc; it++) {
        const int c = REVERSE ? nc - 1 - it : it;
        const int64_t bc = (int64_t)b * nc + c, last = (bc * Q + Q - 1) * H + h;
        float *orow = out + ((bc * H + h) * P + 4 * pi) * N + n0 + 4 * ni;  // row p = 4 pi, stride N
        // 2. stage chunk c (every thread is past the previous chunk's reads), fetch the next
        __syncthreads();
#pragma unroll
        for (int k = 0; k < PF; k++) {
            const int i = tid + k * threads;
            if (i < nu) us[i] = pre[k];
            else if (i < total) vs[i - nu] = pre[k];
        }
        __syncthreads();
        const float e = expf(la_pre);
        Fv<4> sv[4];
#pragma unroll
        for (int i = 0; i < 4; i++) sv[i] = sv_pre[i];
        if (it + 1 < nc) fetch(REVERSE ? c - 1 : c + 1);
        // 3. out[c] = the running state entering it (forward) / dLoss/dS_{c+1} (backward); backward:
        //    dacs_{Q-1}[c] += e <gs, S_c>
        float dot = 0.0f;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            Fv<4> o;
#pragma unroll
            for (int j = 0; j < 4; j++) o.v[j] = run[i][j];
            *reinterpret_cast<Fv<4> *>(orow + (int64_t)i * N) = o;
            if (REVERSE) {
#pragma unroll
                for (int j = 0; j < 4; j++) dot = fmaf(run[i][j], sv[i].v[j], dot);
            }
        }
        if (REVERSE) {
            dot = warp_sum(dot);
            if ((tid & 31) == 0) part[tid >> 5] = dot;
        }
        // 4. loc = U_c^T V_c: a thread's 4 x 4 outputs summed over q in order
        float loc[4][4];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) loc[i][j] = 0.0f;
#pragma unroll 4
        for (int q = 0; q < Q; q++) {  // unrolled: the shared-memory loads of later q in flight
            const Fv<4> a = us[q * P4 + pi], v = vs[q * (SNT / 4) + ni];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) loc[i][j] = fmaf(a.v[i], v.v[j], loc[i][j]);
        }
        // 5. the recurrence, in chunk_states' / chunk_states_bwd's arithmetic
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
            for (int j = 0; j < 4; j++) run[i][j] = REVERSE ? loc[i][j] + e * run[i][j] : e * run[i][j] + loc[i][j];
        if (REVERSE) {
            __syncthreads();
            if (tid == 0) {
                float sum = 0.0f;
                for (int w = 0; w < threads / 32; w++) sum += part[w];
                atomicAdd(&dacs[last], e * sum);
            }
        }
    }
}
// emu-end

// F5 + F6 (forward: U = xw, V = B, out = st) or B3 + B4 (backward: U = dys, V = C, sin = st, out = ds,
// dacs += the decay terms); state_pass_supported(P, N, cd) must hold.
template <bool REVERSE>
void launch_state_pass(const float *U, const float *xp, int cd, int vcol, const float *acs, const float *sin, int B, int nc,
                       int H, int P, int hg, int N, float *out, float *dacs, cudaStream_t st) {
    const dim3 grid((unsigned)(N / SNT), (unsigned)(B * H));  // B H <= 65535 (train_ssd.cu check)
    const int threads = 2 * P;
    if (state_prefetch(P) == 12)
        state_pass<REVERSE, 12><<<grid, threads, 0, st>>>(U, xp, cd, vcol, acs, sin, nc, H, P, hg, N, out, dacs);
    else if (state_prefetch(P) == 16)
        state_pass<REVERSE, 16><<<grid, threads, 0, st>>>(U, xp, cd, vcol, acs, sin, nc, H, P, hg, N, out, dacs);
    else
        state_pass<REVERSE, 24><<<grid, threads, 0, st>>>(U, xp, cd, vcol, acs, sin, nc, H, P, hg, N, out, dacs);
}
