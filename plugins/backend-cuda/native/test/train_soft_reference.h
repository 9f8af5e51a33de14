// CPU double reference of the trainer's soft-target head (src/train_head_soft.cu), for the device
// self-test (train_selftest_soft.h) and the host emulation of the kernel (train_soft_emu.cpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace sref {

// DistillationLoss.compute in double: loss rows T^2 l_t (0 where not counted), dz = T scale dl/du on the support.
inline void reference(int rows, int V, int k, const float *z, const int32_t *labels, const int32_t *ids, const float *w,
                      double T, int reverse, double scale, std::vector<double> &loss, std::vector<double> &dz) {
    loss.assign(rows, 0.0);
    dz.assign((size_t)rows * V, 0.0);
    std::vector<double> lp(k), lq(k);
    for (int r = 0; r < rows; r++) {
        if (labels[r] < 0) continue;
        auto sup = [&](int i) { return ids ? ids[(size_t)r * k + i] : i; };
        double mu = -INFINITY, mw = -INFINITY, su = 0, sw = 0;
        for (int i = 0; i < k; i++) {
            mu = std::max(mu, z[(size_t)r * V + sup(i)] / T);
            mw = std::max(mw, w[(size_t)r * k + i] / T);
        }
        for (int i = 0; i < k; i++) {
            su += std::exp(z[(size_t)r * V + sup(i)] / T - mu);
            sw += std::exp(w[(size_t)r * k + i] / T - mw);
        }
        double l = 0;
        for (int i = 0; i < k; i++) {
            lq[i] = z[(size_t)r * V + sup(i)] / T - mu - std::log(su);
            lp[i] = w[(size_t)r * k + i] / T - mw - std::log(sw);
            l += reverse ? std::exp(lq[i]) * (lq[i] - lp[i]) : std::exp(lp[i]) * (lp[i] - lq[i]);
        }
        loss[r] = T * T * l;
        for (int i = 0; i < k; i++) {
            double q = std::exp(lq[i]);
            double d = reverse ? q * (lq[i] - lp[i] - l) : q - std::exp(lp[i]);
            dz[(size_t)r * V + sup(i)] = T * scale * d;
        }
    }
}

}  // namespace sref
