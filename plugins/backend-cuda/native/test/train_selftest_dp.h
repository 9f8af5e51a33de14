#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it; uses selftest_common.h and tiny_hybrid of
// train_selftest_trainer.h). Data parallelism (src/train_dp.cu, NCCL loaded at run time):
//   - a group of one (nmc_trainer_dp_join rank 0 of 1) against the same trainer not joined: every
//     loss, gradient norm, weight and moment bit for bit over 4 steps, one with two micro-batches;
//   - the join's refusals (a rank outside the group, a size not dividing 1680, a second join);
//   - with two or more devices: two trainers on devices 0 and 1 (one thread each) joined into a group
//     of two, each back-propagating its half of the batch (3 steps, the second with two micro-batches
//     per rank: the accumulation path), against one trainer back-propagating every half as a
//     micro-batch: every step's summed gradients and norm within 1e-5 (summation order only), 99.9% of
//     the weights and moments within 1e-5 of their largest value (AdamW amplifies a gradient that
//     cancels to rounding level), and the two ranks' weights and gathered moments equal bit for bit.
// Without NCCL: one SKIP line with the loader's reason.
#include <thread>

namespace dp_test {

struct Result {
    std::vector<double> losses, norms;
    std::vector<std::vector<float>> w, m, v;
    std::vector<std::vector<float>> g;  // per step: every tensor's gradient before the step, concatenated
    std::string error;
};

// Every tensor's NMC_TRAIN_GRAD, concatenated (empty on an error)
static std::vector<float> all_grads(nmc_trainer *t) {
    std::vector<float> out;
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        if (nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim) != NMC_OK) return {};
        int64_t numel = 1;
        for (int k = 0; k < ndim; k++) numel *= shape[k];
        size_t at = out.size();
        out.resize(at + numel);
        if (nmc_trainer_get_tensor(t, name, NMC_TRAIN_GRAD, out.data() + at) != NMC_OK) return {};
    }
    return out;
}

// The share of elements of a within tol * max|b| of b
static double share_within(const std::vector<std::vector<float>> &a, const std::vector<std::vector<float>> &b,
                           double tol) {
    double mx = 0;
    size_t n = 0, good = 0;
    for (const auto &x : b) {
        for (float f : x) mx = std::max(mx, (double)std::fabs(f));
    }
    for (size_t i = 0; i < a.size() && i < b.size(); i++) {
        for (size_t k = 0; k < a[i].size() && k < b[i].size(); k++) {
            n++;
            good += std::fabs((double)a[i][k] - b[i][k]) <= tol * mx;
        }
    }
    return n ? (double)good / n : 0;
}

// Every token id (and label) at most once per batch: the embedding backward's atomics then add one value per
// element, so the unjoined trainer repeats bit for bit.
static void distinct_batch(int vocab, int rows, int len, uint32_t seed, std::vector<int32_t> &ids,
                           std::vector<int32_t> &labels) {
    std::vector<int32_t> perm(vocab);
    for (int i = 0; i < vocab; i++) perm[i] = i;
    std::mt19937 g(seed);
    std::shuffle(perm.begin(), perm.end(), g);
    ids.assign(perm.begin(), perm.begin() + rows * len);
    labels.assign(perm.begin() + 1, perm.begin() + rows * len + 1);
}

static bool download(nmc_trainer *t, Result &r) {
    int n = nmc_trainer_param_count(t);
    for (int i = 0; i < n; i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        if (nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim) != NMC_OK) return false;
        int64_t numel = 1;
        for (int k = 0; k < ndim; k++) numel *= shape[k];
        for (auto [slot, dst] : {std::pair{NMC_TRAIN_WEIGHT, &r.w}, std::pair{NMC_TRAIN_EXP_AVG, &r.m},
                                 std::pair{NMC_TRAIN_EXP_AVG_SQ, &r.v}}) {
            dst->emplace_back(numel);
            if (nmc_trainer_get_tensor(t, name, slot, dst->back().data()) != NMC_OK) return false;
        }
    }
    return true;
}

// Steps of `micro[s]` backward passes; batch b of step s: seed 100 + b. join: rank 0 of 1.
static Result run(const nmc_config &c, bool join, const std::vector<int> &micro) {
    Result r;
    nmc_trainer *t = nullptr;
    auto fail = [&](const char *what) {
        r.error = std::string(what) + ": " + nmc_last_error();
        if (t) nmc_trainer_destroy(t);
        return r;
    };
    if (nmc_trainer_create(&c, 0, &t) != NMC_OK || nmc_trainer_init_random(t, 11) != NMC_OK) return fail("create");
    if (join) {
        uint8_t id[NMC_DP_ID_BYTES];
        if (nmc_trainer_dp_unique_id(t, id, sizeof id) != NMC_OK || nmc_trainer_dp_join(t, id, 0, 1) != NMC_OK)
            return fail("join");
    }
    const int rows = 2, len = 70;
    int b = 0;
    for (int mb : micro) {
        for (int k = 0; k < mb; k++) {
            std::vector<int32_t> ids, labels;
            distinct_batch(c.vocab_size, rows, len, 100 + b++, ids, labels);
            double loss = 0;
            int64_t tokens = 0;
            if (nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &loss, &tokens) != NMC_OK ||
                nmc_trainer_backward(t) != NMC_OK)
                return fail("forward/backward");
            r.losses.push_back(loss);
        }
        double norm = 0;
        if (nmc_trainer_step(t, 3e-3, 1.0, 0.9, 0.95, 1e-8, 0.1, &norm) != NMC_OK) return fail("step");
        r.norms.push_back(norm);
    }
    if (!download(t, r)) return fail("download");
    nmc_trainer_destroy(t);
    return r;
}

static bool same_bits(const std::vector<std::vector<float>> &a, const std::vector<std::vector<float>> &b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        if (a[i].size() != b[i].size() || memcmp(a[i].data(), b[i].data(), a[i].size() * 4) != 0) return false;
    }
    return true;
}

// The largest |a - b| over every element, relative to the largest |b|
static double rel_diff(const std::vector<std::vector<float>> &a, const std::vector<std::vector<float>> &b) {
    double d = 0, mx = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); i++) {
        for (size_t k = 0; k < a[i].size() && k < b[i].size(); k++) {
            double e = std::fabs((double)a[i][k] - b[i][k]);
            d = std::max(d, std::isnan(e) ? INFINITY : e);
            mx = std::max(mx, (double)std::fabs(b[i][k]));
        }
    }
    return mx > 0 ? d / mx : d;
}

static void group_of_one(const nmc_config &c) {
    const std::vector<int> micro = {1, 1, 2, 1};
    Result a1 = run(c, false, micro), a2 = run(c, false, micro), j = run(c, true, micro);
    if (!a1.error.empty() || !a2.error.empty() || !j.error.empty()) {
        check(false, "dp size 1: " + a1.error + a2.error + j.error);
        return;
    }
    bool base = a1.losses == a2.losses && a1.norms == a2.norms && same_bits(a1.w, a2.w) && same_bits(a1.m, a2.m) &&
                same_bits(a1.v, a2.v);
    bool same = a1.losses == j.losses && a1.norms == j.norms && same_bits(a1.w, j.w) && same_bits(a1.m, j.m) &&
                same_bits(a1.v, j.v);
    char buf[200];
    snprintf(buf, sizeof buf, " (4 steps, 5 backward passes; loss %.6f -> %.6f; weights off by %.3g, unjoined twice by %.3g)",
             j.losses.front(), j.losses.back(), rel_diff(j.w, a1.w), rel_diff(a2.w, a1.w));
    if (!base) printf("INFO dp size 1: the unjoined trainer does not repeat bit for bit on this device%s\n", buf);
    check(base ? same : rel_diff(j.w, a1.w) <= 4 * rel_diff(a2.w, a1.w),
          std::string("dp size 1: losses, norms, weights and moments bit-identical to not joining") + buf);
}

static void refusals(const nmc_config &c) {
    nmc_trainer *t = nullptr;
    if (nmc_trainer_create(&c, 0, &t) != NMC_OK) {
        check(false, std::string("dp refusals: create: ") + nmc_last_error());
        return;
    }
    uint8_t id[NMC_DP_ID_BYTES];
    check(nmc_trainer_dp_unique_id(t, id, sizeof id) == NMC_OK, "dp unique id");
    expect_error(nmc_trainer_dp_unique_id(t, id, 64), "128 bytes", "dp unique id: a short buffer refused");
    expect_error(nmc_trainer_dp_join(t, id, 1, 1), "rank 1 of 1", "dp join: a rank outside the group refused");
    expect_error(nmc_trainer_dp_join(t, id, 0, 9), "dividing 1680", "dp join: a group of 9 refused");
    check(nmc_trainer_dp_join(t, id, 0, 1) == NMC_OK, std::string("dp join: a group of one: ") + nmc_last_error());
    expect_error(nmc_trainer_dp_join(t, id, 0, 1), "already joined", "dp join: a second join refused");
    nmc_trainer_destroy(t);
}

// Two ranks on devices 0 and 1 (one thread each), batch halves, against one trainer with every half as a
// micro-batch on device 0.
static void group_of_two(const nmc_config &c) {
    const int rows = 2, len = 70, steps = 3;
    const int micro[steps] = {1, 2, 1};  // the second step accumulates two micro-batches per rank
    auto batch = [&](int step, int k, int r, std::vector<int32_t> &ids, std::vector<int32_t> &labels) {
        distinct_batch(c.vocab_size, rows, len, 500 + 10 * step + 2 * k + r, ids, labels);
    };
    Result single;
    {
        nmc_trainer *t = nullptr;
        bool ok = nmc_trainer_create(&c, 0, &t) == NMC_OK && nmc_trainer_init_random(t, 11) == NMC_OK;
        for (int s = 0; ok && s < steps; s++) {
            for (int h = 0; ok && h < 2 * micro[s]; h++) {  // every rank's micro-batches of the step
                std::vector<int32_t> ids, labels;
                batch(s, h / 2, h % 2, ids, labels);
                double loss = 0;
                int64_t tokens = 0;
                ok = nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &loss, &tokens) == NMC_OK &&
                     nmc_trainer_backward(t) == NMC_OK;
            }
            if (ok) single.g.push_back(all_grads(t));
            double norm = 0;
            ok = ok && nmc_trainer_step(t, 3e-3, 1.0, 0.9, 0.95, 1e-8, 0.1, &norm) == NMC_OK;
            single.norms.push_back(norm);
        }
        ok = ok && download(t, single);
        if (!ok) single.error = nmc_last_error();
        if (t) nmc_trainer_destroy(t);
    }
    Result rank[2];
    nmc_trainer *t[2] = {nullptr, nullptr};
    bool created = nmc_trainer_create(&c, 0, &t[0]) == NMC_OK && nmc_trainer_create(&c, 1, &t[1]) == NMC_OK &&
                   nmc_trainer_init_random(t[0], 11) == NMC_OK && nmc_trainer_init_random(t[1], 11) == NMC_OK;
    uint8_t id[NMC_DP_ID_BYTES];
    created = created && nmc_trainer_dp_unique_id(t[0], id, sizeof id) == NMC_OK;
    if (created) {
        std::thread th[2];
        for (int r = 0; r < 2; r++) {
            th[r] = std::thread([&, r] {
                bool ok = nmc_trainer_dp_join(t[r], id, r, 2) == NMC_OK;
                for (int s = 0; ok && s < steps; s++) {
                    for (int k = 0; ok && k < micro[s]; k++) {
                        std::vector<int32_t> ids, labels;
                        batch(s, k, r, ids, labels);
                        double loss = 0;
                        int64_t tokens = 0;
                        ok = nmc_trainer_forward(t[r], ids.data(), labels.data(), rows, len, &loss, &tokens) == NMC_OK &&
                             nmc_trainer_backward(t[r]) == NMC_OK;
                    }
                    if (ok) rank[r].g.push_back(all_grads(t[r]));  // the sum over the ranks (local)
                    double norm = 0;
                    ok = ok && nmc_trainer_step(t[r], 3e-3, 1.0, 0.9, 0.95, 1e-8, 0.1, &norm) == NMC_OK;
                    rank[r].norms.push_back(norm);
                }
                ok = ok && download(t[r], rank[r]);  // moments: a collective, both ranks in the same order
                if (!ok) rank[r].error = nmc_last_error();
                nmc_trainer_destroy(t[r]);
                t[r] = nullptr;
            });
        }
        th[0].join();
        th[1].join();
    } else {
        check(false, std::string("dp size 2: create: ") + nmc_last_error());
        for (nmc_trainer *x : t) {
            if (x) nmc_trainer_destroy(x);
        }
        return;
    }
    if (!single.error.empty() || !rank[0].error.empty() || !rank[1].error.empty()) {
        check(false, "dp size 2: " + single.error + " | rank 0: " + rank[0].error + " | rank 1: " + rank[1].error);
        return;
    }
    check(rank[0].norms == rank[1].norms && same_bits(rank[0].w, rank[1].w) && same_bits(rank[0].m, rank[1].m) &&
              same_bits(rank[0].v, rank[1].v),
          "dp size 2: both ranks hold the same weights, norms and (gathered) moments bit for bit");
    // the summed gradients of every step and the norms: the same sums in another order (1e-5 of the
    // largest); weights and moments: AdamW divides by sqrt(v), so an element whose gradient cancels to
    // rounding level may move by up to ~lr either way: 99.9% of the elements within 1e-5
    double eg = 0, en = 0;
    for (size_t s = 0; s < single.g.size() && s < rank[0].g.size(); s++) {
        bool comparable = !single.g[s].empty() && single.g[s].size() == rank[0].g[s].size();
        eg = std::max(eg, comparable ? rel_diff({rank[0].g[s]}, {single.g[s]}) : INFINITY);
    }
    for (size_t s = 0; s < single.norms.size(); s++)
        en = std::max(en, std::fabs(rank[0].norms[s] - single.norms[s]) / single.norms[s]);
    double sw = share_within(rank[0].w, single.w, 1e-5), sm = share_within(rank[0].m, single.m, 1e-5),
           sv = share_within(rank[0].v, single.v, 1e-5);
    char buf[260];
    snprintf(buf, sizeof buf,
             " (3 steps: gradients %.3g, norms %.3g; within 1e-5: weights %.5f, exp_avg %.5f, exp_avg_sq %.5f;"
             " largest weight difference %.3g)", eg, en, sw, sm, sv, rel_diff(rank[0].w, single.w));
    check(rank[0].g.size() == 3 && single.g.size() == 3 && eg <= 1e-5 && en <= 1e-5 && sw >= 0.999 && sm >= 0.999 &&
              sv >= 0.999,
          std::string("dp size 2 on devices 0, 1 against one trainer with every half as a micro-batch") + buf);
}

static void tests() {
    char status[4096];
    if (nmc_nccl_status(status, sizeof status) != 1) {
        printf("SKIP dp: %s\n", status);
        return;
    }
    printf("INFO dp: %s\n", status);
    nmc_config c = tiny_hybrid();
    group_of_one(c);
    refusals(c);
    if (nmc_device_count() >= 2) group_of_two(c);
    else printf("SKIP dp size 2: one device visible\n");
}

}  // namespace dp_test
