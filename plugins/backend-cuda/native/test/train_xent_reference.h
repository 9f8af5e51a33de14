// Double reference of the loss head's cross-entropy (kernels/train_xent.cu), shared by the CPU
// emulation (test/emu/xent_emulate.cpp) and the GPU self-test (test/train_selftest_head.h).
//   logits [rows, vocab] (row stride ld), labels (< 0 ignored), s_r = weights[r] or scale
//   loss[r] = logsumexp(x_r) - x_r[label]  (0 when ignored)
//   d[r, j] = (softmax(x_r)[j] - [j == label]) * s_r  (0 when ignored)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace xref {

inline void cross_entropy(int rows, int vocab, const float *logits, int64_t ld, const int32_t *labels, float scale,
                          const float *weights, std::vector<double> &loss, std::vector<double> &d) {
    loss.assign(rows, 0.0);
    d.assign((size_t)rows * vocab, 0.0);
    for (int r = 0; r < rows; r++) {
        if (labels[r] < 0) continue;
        const float *x = logits + (int64_t)r * ld;
        double mx = -INFINITY, sum = 0;
        for (int j = 0; j < vocab; j++) mx = std::max(mx, (double)x[j]);
        for (int j = 0; j < vocab; j++) sum += std::exp((double)x[j] - mx);
        double lse = mx + std::log(sum), s = weights ? weights[r] : scale;
        loss[r] = lse - x[labels[r]];
        for (int j = 0; j < vocab; j++)
            d[(size_t)r * vocab + j] = (std::exp((double)x[j] - lse) - (j == labels[r] ? 1.0 : 0.0)) * s;
    }
}

// max |got - want| / max(|want|, floor) over n values
inline double rel_err(const float *got, const std::vector<double> &want, double floor = 1e-30) {
    double norm = floor, worst = 0;
    for (double w : want) norm = std::max(norm, std::fabs(w));
    for (size_t i = 0; i < want.size(); i++) {
        double e = std::fabs((double)got[i] - want[i]) / norm;
        if (!(e <= worst)) worst = std::isnan(e) ? 1e9 : e;
    }
    return worst;
}

}  // namespace xref
