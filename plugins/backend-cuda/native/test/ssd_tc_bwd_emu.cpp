// The tensor-core intra-chunk SSD backward (src/kernels/ssd_tc_bwd.cu: train_ssd.cu's B8, B9, B10
// in one WMMA kernel) on the CPU through test/cuda_host_emu.h, against a double reference of the
// same steps: dx += m^T dy, dacs += row - col, ddt += colt (accumulated onto random values), dcb
// (written). The reference rounds the GEMM operands dy, x, m to BF16 as the kernel does, so the
// tolerance (1e-4 of each tensor's largest value) checks the indexing, masking and barriers, not
// BF16. `make emu-ssd-tc-bwd`.
#include "cuda_host_emu.h"

#include <random>
#include <string>
#include <vector>

#define NMC_LAUNCHED(what) (void)0
namespace nmc::k::train {
#include "ssd_tc_bwd_kernels.inc"
}  // namespace nmc::k::train

// global arrays 64-byte aligned, as cudaMalloc's (WMMA loads and stores dx's tiles in place)
template <class T>
struct Aligned {
    using value_type = T;
    Aligned() = default;
    template <class U>
    Aligned(const Aligned<U> &) {}
    T *allocate(size_t n) { return static_cast<T *>(std::aligned_alloc(64, (n * sizeof(T) + 63) / 64 * 64)); }
    void deallocate(T *p, size_t) { std::free(p); }
    bool operator==(const Aligned &) const { return true; }
};
using Vec = std::vector<float, Aligned<float>>;
using namespace nmc::k::train;

static int failures = 0;

static double rel(const Vec &got, const std::vector<double> &want) {
    double norm = 1e-30, worst = 0;
    for (double w : want) norm = std::max(norm, std::fabs(w));
    for (size_t i = 0; i < got.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

static double bf(float v) { return tof(__float2bfloat16(v)); }

// nbc chunks (rows r = bc Q + l), H heads in G groups, head_dim P
static void run(int nbc, int H, int G, int P, uint32_t seed) {
    const int Q = TB_Q, hg = H / G;
    std::mt19937 g(seed);
    std::normal_distribution<float> nd(0, 1);
    std::uniform_real_distribution<float> u(0.001f, 0.2f);
    const size_t nY = (size_t)nbc * H * Q * P, nM = (size_t)nbc * H * Q * Q, nCB = (size_t)nbc * G * Q * Q,
                 nR = (size_t)nbc * Q * H;
    Vec dyh(nY), xh(nY), m(nM, 0.0f), cb(nCB), acs(nR), dtp(nR), dx(nY), dacs(nR), ddt(nR), dcb(nCB, std::nanf(""));
    for (auto &v : dyh) v = nd(g);
    for (auto &v : xh) v = nd(g);
    for (auto &v : cb) v = nd(g);
    for (auto &v : dx) v = nd(g);
    for (auto &v : dacs) v = nd(g);
    for (auto &v : ddt) v = nd(g);
    for (auto &v : dtp) v = u(g);
    for (int bc = 0; bc < nbc; bc++)  // acs: the chunk's cumulative sum of dt A (A = -0.5 - h / H)
        for (int h = 0; h < H; h++) {
            float run = 0.0f;
            for (int l = 0; l < Q; l++) {
                size_t r = ((size_t)bc * Q + l) * H + h;
                run += dtp[r] * (-0.5f - (float)h / H);
                acs[r] = run;
            }
        }
    for (int bc = 0; bc < nbc; bc++)  // m: lower triangular (F3 zeroes s > l)
        for (int h = 0; h < H; h++)
            for (int l = 0; l < Q; l++)
                for (int s = 0; s <= l; s++) m[(((size_t)bc * H + h) * Q + l) * Q + s] = nd(g) * 0.3f;
    // the reference
    std::vector<double> wdx(dx.begin(), dx.end()), wdacs(dacs.begin(), dacs.end()), wddt(ddt.begin(), ddt.end()),
        wdcb(nCB, 0.0);
    for (int bc = 0; bc < nbc; bc++)
        for (int h = 0; h < H; h++) {
            const size_t hd = (size_t)bc * H + h;
            const float *dy = &dyh[hd * Q * P], *x = &xh[hd * Q * P], *mm = &m[hd * Q * Q];
            const float *cbg = &cb[((size_t)bc * G + h / hg) * Q * Q];
            std::vector<double> dm(Q * Q);
            for (int l = 0; l < Q; l++)
                for (int s = 0; s < Q; s++) {
                    double a = 0;
                    for (int p = 0; p < P; p++) a += bf(dy[l * P + p]) * bf(x[s * P + p]);
                    dm[l * Q + s] = a;
                }
            for (int l = 0; l < Q; l++)
                for (int p = 0; p < P; p++) {
                    double a = 0;
                    for (int s = 0; s < Q; s++) a += bf(mm[s * Q + l]) * bf(dy[s * P + p]);
                    wdx[hd * Q * P + l * P + p] += a;
                }
            for (int j = 0; j < Q; j++) {
                double row = 0, col = 0, colt = 0;
                const size_t rj = ((size_t)bc * Q + j) * H + h;
                for (int s = 0; s <= j; s++) row += dm[j * Q + s] * mm[j * Q + s];
                for (int l = j; l < Q; l++) {
                    const size_t rl = ((size_t)bc * Q + l) * H + h;
                    double e = std::exp((double)acs[rl] - acs[rj]);
                    col += dm[l * Q + j] * mm[l * Q + j];
                    colt += dm[l * Q + j] * cbg[l * Q + j] * e;
                    wdcb[((size_t)bc * G + h / hg) * Q * Q + l * Q + j] += dm[l * Q + j] * e * dtp[rj];
                }
                wdacs[rj] += row - col;
                wddt[rj] += colt;
            }
        }
    const int bytes = TbLayout(P).total;
    if (bytes > (int)sizeof g_smem) {
        printf("FAIL tc bwd: shared layout %d bytes\n", bytes);
        failures++;
        return;
    }
    launch(dim3m{(unsigned)(nbc * G), 1, 1}, TB_WARPS * 32, [&] {
        ssd_intra_bwd_kernel(dyh.data(), xh.data(), m.data(), cb.data(), acs.data(), dtp.data(), H, G, P, dx.data(),
                             dacs.data(), ddt.data(), dcb.data());
    });
    double e[4] = {rel(dx, wdx), rel(dacs, wdacs), rel(ddt, wddt), rel(dcb, wdcb)};
    bool ok = true;
    for (double x : e) ok &= x <= 1e-4;
    printf("%s emulated ssd tc intra-chunk backward nbc%d H%d G%d P%d (smem %d B): dx %.2e dacs %.2e ddt %.2e dcb %.2e "
           "(tol 1e-04, vs double on the same BF16 operands)\n",
           ok ? "PASS" : "FAIL", nbc, H, G, P, bytes, e[0], e[1], e[2], e[3]);
    fflush(stdout);
    if (!ok) failures++;
}

int main() {
    run(2, 4, 2, 16, 1);   // two heads a group, the smallest head_dim
    run(3, 2, 2, 64, 2);   // one head a group
    run(1, 8, 1, 32, 3);   // one group of eight heads (dcb summed over eight)
    run(2, 2, 1, 128, 4);  // the largest head_dim (shared memory)
    run(1, 4, 2, 48, 5);   // head_dim not a power of two
    printf("%s\n", failures ? "FAILED" : "ALL PASS");
    return failures ? 1 : 0;
}
