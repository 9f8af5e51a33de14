// Host versions of kernels/mma_bf16.cuh for test/cuda_host_emu.h (include after it), from the PTX
// ISA's definitions; the warp's lanes meet in per-warp arrays between __syncwarp barriers:
//   mma_bf16      mma.sync m16n8k16 BF16 -> fp32: A rows g, g + 8, k pairs 2t, 2t + 8; B column g,
//                 k pairs 2t, 2t + 8; D rows g, g + 8, columns 2t, 2t + 1 (g = lane / 4, t = lane % 4);
//                 each lane sums its four outputs over k in order
//   ldmatrix_x4   four 8x8 b16 matrices, lanes 8i..8i + 7 give the row addresses of matrix i (16-byte
//   (_trans)      aligned, inside shared memory, else abort); r[i] = row lane / 4, elements 2 (lane % 4),
//                 + 1 (transposed: elements (2 (lane % 4), lane / 4) and (2 (lane % 4) + 1, lane / 4))
//   cp_async16    16 bytes read at issue (alignment checked), written to shared memory only when a
//   commit, wait  cp_async_wait<N> retires its group (all committed groups but the newest N), so a
//                 kernel that reads a stage before waiting for it reads the NaN fill, not the data;
//                 copies still pending when a block ends are dropped
//   bf16x2_pack   RNE of two floats, low half first; __uint_as_float
#pragma once
#include <array>
#include <vector>

inline float __uint_as_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

inline uint32_t bf16x2_pack(float lo, float hi) {
    return (uint32_t)__float2bfloat16(lo).bits | ((uint32_t)__float2bfloat16(hi).bits << 16);
}

namespace mma_emu {
inline float half(uint32_t v, int hi) { return __uint_as_float(hi ? v & 0xffff0000u : v << 16); }

struct Copy { void *dst; std::array<unsigned char, 16> bytes; };
struct Queue { long block = -1; std::vector<std::vector<Copy>> groups; std::vector<Copy> open; };
inline Queue &queue() {  // this thread's, emptied when a new block starts
    static Queue q[1024];
    Queue &c = q[tid()];
    if (c.block != g_block_serial) c = Queue{g_block_serial, {}, {}};
    return c;
}
inline void check_shared(const void *p, size_t bytes, const char *what) {
    const char *c = static_cast<const char *>(p);
    if (c < g_smem || c + bytes > g_smem + sizeof g_smem) {
        fprintf(stderr, "%s outside shared memory\n", what);
        abort();
    }
}

inline void ldmatrix(uint32_t (&r)[4], const void *row, bool trans) {
    static const void *addr[32][32];
    if (reinterpret_cast<uintptr_t>(row) % 16) {
        fprintf(stderr, "ldmatrix row address not 16-byte aligned\n");
        abort();
    }
    check_shared(row, 16, "ldmatrix row");
    const int w = tid() / 32, l = tid() & 31;
    __syncwarp();
    addr[w][l] = row;
    __syncwarp();
    for (int i = 0; i < 4; i++) {
        uint16_t lo, hi;
        if (!trans) {
            const uint16_t *p = static_cast<const uint16_t *>(addr[w][8 * i + l / 4]);
            lo = p[2 * (l % 4)], hi = p[2 * (l % 4) + 1];
        } else {
            lo = static_cast<const uint16_t *>(addr[w][8 * i + 2 * (l % 4)])[l / 4];
            hi = static_cast<const uint16_t *>(addr[w][8 * i + 2 * (l % 4) + 1])[l / 4];
        }
        r[i] = (uint32_t)lo | ((uint32_t)hi << 16);
    }
    __syncwarp();
}
}  // namespace mma_emu

inline void ldmatrix_x4(uint32_t (&r)[4], const void *row) { mma_emu::ldmatrix(r, row, false); }
inline void ldmatrix_x4_trans(uint32_t (&r)[4], const void *row) { mma_emu::ldmatrix(r, row, true); }

inline void mma_bf16(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    static uint32_t A[32][32][4], B[32][32][2];
    const int w = tid() / 32, l = tid() & 31;
    __syncwarp();
    for (int i = 0; i < 4; i++) A[w][l][i] = a[i];
    B[w][l][0] = b0;
    B[w][l][1] = b1;
    __syncwarp();
    const int g = l >> 2, t = l & 3;
    for (int e = 0; e < 4; e++) {
        const int row = g + (e >= 2 ? 8 : 0), col = 2 * t + (e & 1);
        float s = d[e];
        for (int k = 0; k < 16; k++) {
            // A (row, k): lane (row % 8) * 4 + (k % 8) / 2, register (row >= 8) + 2 (k >= 8), half k & 1
            const float av = mma_emu::half(A[w][(row % 8) * 4 + (k % 8) / 2][(row >= 8) + 2 * (k >= 8)], k & 1);
            // B (k, col): lane col * 4 + (k % 8) / 2, register k >= 8, half k & 1
            const float bv = mma_emu::half(B[w][col * 4 + (k % 8) / 2][k >= 8], k & 1);
            s += av * bv;
        }
        d[e] = s;
    }
    __syncwarp();
}

inline void cp_async16(void *dst, const void *src) {
    if (reinterpret_cast<uintptr_t>(dst) % 16 || reinterpret_cast<uintptr_t>(src) % 16) {
        fprintf(stderr, "cp.async of a misaligned 16-byte piece\n");
        abort();
    }
    mma_emu::check_shared(dst, 16, "cp.async destination");
    mma_emu::Copy c{dst, {}};
    memcpy(c.bytes.data(), src, 16);
    mma_emu::queue().open.push_back(c);
}
inline void cp_async_commit() {
    mma_emu::Queue &q = mma_emu::queue();
    q.groups.push_back(std::move(q.open));
    q.open.clear();
}
template <int N>
void cp_async_wait() {
    mma_emu::Queue &q = mma_emu::queue();
    while ((int)q.groups.size() > N) {
        for (const mma_emu::Copy &c : q.groups.front()) memcpy(c.dst, c.bytes.data(), 16);
        q.groups.erase(q.groups.begin());
    }
}
