#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it after train_selftest_reduce.h; uses
// selftest_common.h and tiny_hybrid of train_selftest_trainer.h). NMC_MAMBA_ELEM=rows, the Mamba
// layer's element-wise steps as row and tile kernels (kernels/train_mamba_rows.cu):
//   `mamba rows gated norm ...`  forward (mid, rstd) and backward (dy, dz, dgnorm) of the rows
//        kernels against today's (gate_forward + rms_forward, rms_backward + gate_backward): the
//        same operations in the same order, so bit-equal is expected (the line says so, else the
//        largest difference, accepted up to 1e-6 of the largest value: a different FMA contraction);
//        every output within 1e-5 of the double reference (train_mamba_rows_reference.h)
//   `mamba rows conv+dt ...`     conv1d + SiLU + dt backward (dxBC, d dt_raw bit-equal as above;
//        dconv_w, dconv_b, ddt_bias fp32 sums in another order: 1e-5 of the double reference,
//        train_reduce_reference.h), ragged shapes and the hybrid1b shape
//   `INFO mamba rows hybrid1b ... ms`  old vs rows at hybrid1b's shape (R 4096, D 4096, G 8, z and
//        xBC rows of the trainer's proj stride 10304, C 6144, K 4, H 64): mean of 20 calls
//   `trainer f32|bf16 NMC_MAMBA_ELEM=rows vs old`  two micro-batches of tiny_hybrid: losses within
//        1e-6, gradients within 1e-4 (f32) / 3e-2 (BF16) of the old kernels' (the weight sums change
//        order: on an H100, session 12, f32 differed by 1.1e-5 at most, BF16 by 2.9e-3), and
//        `... unset == rows` (rows is the default since session 12)
//   and NMC_MAMBA_ELEM=bogus fails with one error line naming the switch.
#include "train_mamba_rows_reference.h"
#include "train_reduce_reference.h"

extern "C" int nmc_k_train_mamba_gated_norm(int impl, int rows, int dim, int groups, int z_ld, const float *y,
                                            const float *z, const float *w, float eps, const float *dmid, float *mid,
                                            float *rstd, float *dy, float *dz, float *dw, int reps, float *ms);
extern "C" int nmc_k_train_mamba_conv_dt(int impl, int batch, int seq_len, int channels, int kernel, int heads, int ld,
                                         float lo, float hi, const float *proj, const float *w, const float *bias,
                                         const float *dt_bias, const float *dxbc, const float *ddt, float *dproj,
                                         float *dw, float *db, float *ddt_bias, int reps, float *ms);

namespace mamba_rows_test {

using Vec = std::vector<float>;

static Vec to_f(const std::vector<double> &v) { return Vec(v.begin(), v.end()); }

// "bit-equal" or the largest difference relative to want's largest value; *ok false beyond 1e-6
static std::string vs_old(const Vec &got, const Vec &want, bool *ok) {
    if (got == want) return "bit-equal";
    const double e = max_rel_err(got, want);
    *ok &= e <= 1e-6;
    char b[48];
    snprintf(b, sizeof b, "differs %.1e", e);
    return b;
}

static void gated_norm_case(int rows, int dim, int groups, int z_ld, uint32_t seed, int reps = 0, float *ms_old = nullptr,
                            float *ms_rows = nullptr) {
    const size_t n = (size_t)rows * dim, nz = (size_t)rows * z_ld;
    Vec y = randn(n, seed), z = randn(nz, seed + 1, 1.5f), w = randn(dim, seed + 2), dmid = randn(n, seed + 3),
        dw0 = randn(dim, seed + 4);
    const float eps = 1e-5f;
    Vec mid[2], rstd[2], dy[2], dz[2], dw[2];
    for (int impl = 0; impl < 2; impl++) {
        mid[impl].resize(n), rstd[impl].resize((size_t)rows * groups), dy[impl].resize(n), dz[impl].resize(nz);
        dw[impl] = dw0;
        if (nmc_k_train_mamba_gated_norm(impl, rows, dim, groups, z_ld, y.data(), z.data(), w.data(), eps, dmid.data(),
                                         mid[impl].data(), rstd[impl].data(), dy[impl].data(), dz[impl].data(),
                                         dw[impl].data(), reps, impl ? ms_rows : ms_old) != NMC_OK)
            return check(false, std::string("mamba rows gated norm: ") + nmc_last_error());
    }
    rref::DVec mid_r(n), rstd_r((size_t)rows * groups), dy_r(n), dz_r(nz, 0.0), dw_r(dw0.begin(), dw0.end());
    mref::gated_norm_forward(rows, dim, groups, y, z, z_ld, w, eps, mid_r, rstd_r);
    mref::gated_norm_backward(rows, dim, groups, y, z, z_ld, w, rstd[1], dmid, dy_r, dz_r, dw_r);
    bool ok = true;
    const std::string s[4] = {vs_old(mid[1], mid[0], &ok), vs_old(rstd[1], rstd[0], &ok), vs_old(dy[1], dy[0], &ok),
                              vs_old(dz[1], dz[0], &ok)};
    const double e[5] = {max_rel_err(mid[1], to_f(mid_r)), max_rel_err(dy[1], to_f(dy_r)), max_rel_err(dz[1], to_f(dz_r)),
                         max_rel_err(dw[1], to_f(dw_r)), max_rel_err(dw[0], to_f(dw_r))};
    for (double v : e) ok &= v <= 1e-5;
    char buf[512];
    snprintf(buf, sizeof buf,
             "mamba rows gated norm rows %d dim %d groups %d (z stride %d): vs today's mid %s, rstd %s, dy %s, dz %s; vs double "
             "mid %.1e dy %.1e dz %.1e dgnorm %.1e (today's %.1e; tol 1e-5)",
             rows, dim, groups, z_ld, s[0].c_str(), s[1].c_str(), s[2].c_str(), s[3].c_str(), e[0], e[1], e[2], e[3], e[4]);
    check(ok, buf);
}

static void conv_dt_case(int B, int L, int C, int K, int H, int ld, bool bias, float lo, float hi, uint32_t seed,
                         int reps = 0, float *ms_old = nullptr, float *ms_rows = nullptr) {
    const size_t R = (size_t)B * L;
    Vec proj = randn(R * ld, seed), w = randn((size_t)C * K, seed + 1, 0.5f), b = randn(C, seed + 2, 0.3f),
        tb = randn(H, seed + 3), dx = randn(R * C, seed + 4), ddt = randn(R * H, seed + 5), dw0 = randn((size_t)C * K, seed + 6),
        db0 = randn(C, seed + 7), dtb0 = randn(H, seed + 8);
    for (size_t r = 0; r < R; r++)
        for (int h = 0; h < H; h++) proj[r * ld + C + h] *= 2.0f;  // dt_raw wider: some clamp
    Vec dp[2], dw[2], db[2], dtb[2];
    for (int impl = 0; impl < 2; impl++) {
        dp[impl].resize(R * ld), dw[impl] = dw0, db[impl] = db0, dtb[impl] = dtb0;
        if (nmc_k_train_mamba_conv_dt(impl, B, L, C, K, H, ld, lo, hi, proj.data(), w.data(), bias ? b.data() : nullptr,
                                      tb.data(), dx.data(), ddt.data(), dp[impl].data(), dw[impl].data(),
                                      bias ? db[impl].data() : nullptr, dtb[impl].data(), reps,
                                      impl ? ms_rows : ms_old) != NMC_OK)
            return check(false, std::string("mamba rows conv+dt: ") + nmc_last_error());
    }
    rref::DVec dp_r(R * ld, 0.0), dw_r(dw0.begin(), dw0.end()), db_r(db0.begin(), db0.end()), dtb_r(dtb0.begin(), dtb0.end());
    rref::conv_backward(B, L, C, K, proj, ld, w, bias ? &b : nullptr, dx, C, dp_r, ld, dw_r, bias ? &db_r : nullptr);
    Vec raw(R * H);  // dt_raw dense for the reference, whose draw rows are then of H
    for (size_t r = 0; r < R; r++)
        for (int h = 0; h < H; h++) raw[r * H + h] = proj[r * ld + C + h];
    rref::DVec draw_r(R * H);
    const int clamped = rref::dt_backward((int)R, H, H, lo, hi, raw, tb, ddt, draw_r, dtb_r);
    for (size_t r = 0; r < R; r++)
        for (int h = 0; h < H; h++) dp_r[r * ld + C + h] = draw_r[r * H + h];
    bool ok = true;
    const std::string s = vs_old(dp[1], dp[0], &ok);
    const double e[5] = {max_rel_err(dp[1], to_f(dp_r)), max_rel_err(dw[1], to_f(dw_r)),
                         bias ? max_rel_err(db[1], to_f(db_r)) : 0.0, max_rel_err(dtb[1], to_f(dtb_r)),
                         max_rel_err(dw[0], to_f(dw_r))};
    for (double v : e) ok &= v <= 1e-5;
    char buf[512];
    snprintf(buf, sizeof buf,
             "mamba rows conv+dt backward B%d L%d C%d K%d H%d%s (row stride %d, %d clamped): vs today's dxBC|d dt_raw %s; vs double "
             "dxBC|d dt_raw %.1e dconv_w %.1e dconv_b %.1e ddt_bias %.1e (today's dconv_w %.1e; tol 1e-5)",
             B, L, C, K, H, bias ? " bias" : "", ld, clamped, s.c_str(), e[0], e[1], e[2], e[3], e[4]);
    check(ok, buf);
}

// the trainer, two micro-batches forward + backward, NMC_MAMBA_ELEM = elem (null: unset)
struct Run {
    double loss[2] = {0, 0};
    std::vector<Vec> grads;
    std::vector<std::string> names;
};

static int trainer_run(nmc_config c, const char *elem, Run *out) {
    set_switch("NMC_MAMBA_ELEM", elem);
    const int rows[2] = {2, 1}, len[2] = {70, 130};
    std::mt19937 g(31);
    nmc_trainer *t = nullptr;
    int rc = nmc_trainer_create(&c, 0, &t);
    if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 23);
    for (int i = 0; i < 2 && rc == NMC_OK; i++) {
        std::vector<int32_t> ids(rows[i] * len[i]), labels(ids.size());
        for (auto &x : ids) x = (int32_t)(g() % c.vocab_size);
        for (size_t j = 0; j < ids.size(); j++) labels[j] = (j + 1) % len[i] == 0 ? -100 : ids[j + 1];
        int64_t tokens = 0;
        rc = nmc_trainer_forward(t, ids.data(), labels.data(), rows[i], len[i], &out->loss[i], &tokens);
        if (rc == NMC_OK) rc = nmc_trainer_backward(t);
    }
    for (int i = 0; rc == NMC_OK && i < nmc_trainer_param_count(t); i++) {
        int64_t shape[4];
        int ndim = 0;
        char name[256];
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        size_t n = 1;
        for (int k = 0; k < ndim; k++) n *= (size_t)shape[k];
        out->names.push_back(name);
        out->grads.emplace_back(n);
        rc = nmc_trainer_get_tensor(t, name, NMC_TRAIN_GRAD, out->grads.back().data());
    }
    if (t) nmc_trainer_destroy(t);
    set_switch("NMC_MAMBA_ELEM", nullptr);
    return rc;
}

static void trainer_case(nmc_config c, int dtype) {
    c.compute_dtype = dtype;
    const char *dn = dtype == NMC_BF16 ? "bf16" : "f32";
    Run old, rows, unset, again;
    if (trainer_run(c, "old", &old) != NMC_OK || trainer_run(c, "rows", &rows) != NMC_OK ||
        trainer_run(c, nullptr, &unset) != NMC_OK || trainer_run(c, "rows", &again) != NMC_OK)
        return check(false, std::string("trainer ") + dn + " NMC_MAMBA_ELEM=rows|old|unset: " + nmc_last_error());
    double el = 0, eg = 0;
    std::string worst = "-";
    size_t exact = 0;
    for (int i = 0; i < 2; i++) el = std::max(el, std::fabs(rows.loss[i] - old.loss[i]) / std::fabs(old.loss[i]));
    for (size_t i = 0; i < rows.grads.size() && i < old.grads.size(); i++) {
        exact += rows.grads[i] == old.grads[i];
        const double e = max_rel_err(rows.grads[i], old.grads[i]);
        if (!(e <= eg)) eg = e, worst = rows.names[i];
    }
    // the weight sums change order; in BF16 that moves operands of the layers below across rounding
    // boundaries, so BF16 gets the bound the other BF16 comparisons use
    const double tol = dtype == NMC_BF16 ? 3e-2 : 1e-4;
    char buf[400];
    snprintf(buf, sizeof buf,
             "trainer %s NMC_MAMBA_ELEM=rows vs old: losses %.7f %.7f vs %.7f %.7f (rel err %.1e, tol 1e-6), %zu of %zu "
             "gradients bit-equal, worst %.1e (%s, tol %.0e)",
             dn, rows.loss[0], rows.loss[1], old.loss[0], old.loss[1], el, exact, rows.grads.size(), eg, worst.c_str(), tol);
    check(std::isfinite(el) && el <= 1e-6 && eg <= tol && !rows.grads.empty() && rows.grads.size() == old.grads.size(), buf);
    // unset runs the rows kernels: bit for bit, or (the scan's atomics do not repeat their order) no further
    // from rows than rows is from itself
    auto gap = [](const Run &x, const Run &y) {
        double e = std::max(std::fabs(x.loss[0] - y.loss[0]), std::fabs(x.loss[1] - y.loss[1]));
        for (size_t i = 0; i < x.grads.size() && i < y.grads.size(); i++) e = std::max(e, max_rel_err(x.grads[i], y.grads[i]));
        return x.grads.size() == y.grads.size() ? e : INFINITY;
    };
    const double eu = gap(unset, rows), er = gap(again, rows);
    snprintf(buf, sizeof buf, "trainer %s NMC_MAMBA_ELEM unset == rows (the default): %s, largest difference %.1e (rows "
             "twice: %.1e)", dn, eu == 0 ? "bit for bit" : "within the run-to-run difference", eu, er);
    check(!unset.grads.empty() && (eu == 0 || (er > 0 && eu <= std::max(1e-6, 4 * er))), buf);
}

static void tests() {
    gated_norm_case(37, 48, 2, 51, 1);
    gated_norm_case(70, 1200, 1, 1203, 2);
    gated_norm_case(33, 96, 3, 99, 3);
    conv_dt_case(2, 70, 40, 4, 5, 52, true, 0.05f, 3.0f, 4);
    conv_dt_case(1, 130, 200, 4, 130, 333, true, 0.05f, 3.0f, 5);
    conv_dt_case(3, 33, 7, 3, 2, 11, false, 0.0f, INFINITY, 6);
    conv_dt_case(1, 5, 33, 4, 3, 36, true, 0.0f, INFINITY, 7);
    // hybrid1b: the trainer's proj stride (z | xBC | dt: 4096 + 6144 + 64), 20 timed calls each
    float gn_old[2] = {0, 0}, gn_rows[2] = {0, 0}, cd_old = 0, cd_rows = 0;
    gated_norm_case(4096, 4096, 8, 10304, 8, 20, gn_old, gn_rows);
    conv_dt_case(1, 4096, 6144, 4, 64, 10304, true, 0.0f, INFINITY, 9, 20, &cd_old, &cd_rows);
    printf("INFO mamba rows hybrid1b gated norm forward (mamba.fwd gate+norm): old %.3f ms, rows %.3f ms\n", gn_old[0], gn_rows[0]);
    printf("INFO mamba rows hybrid1b gated norm backward (mamba.bwd.gate_norm): old %.3f ms, rows %.3f ms\n", gn_old[1], gn_rows[1]);
    printf("INFO mamba rows hybrid1b conv+dt backward (mamba.bwd.dt_conv): old %.3f ms, rows %.3f ms\n", cd_old, cd_rows);
    trainer_case(tiny_hybrid(), NMC_F32);
    trainer_case(tiny_hybrid(), NMC_BF16);
    // an unknown value: one error line naming the switch
    set_switch("NMC_MAMBA_ELEM", "bogus");
    nmc_config c = tiny_hybrid();
    nmc_trainer *t = nullptr;
    int rc = nmc_trainer_create(&c, 0, &t);
    if (rc == NMC_OK) rc = nmc_trainer_init_random(t, 1);
    int32_t ids[8] = {1, 2, 3, 4, 5, 6, 7, 8}, labels[8] = {2, 3, 4, 5, 6, 7, 8, -100};
    double loss = 0;
    int64_t tokens = 0;
    if (rc == NMC_OK) rc = nmc_trainer_forward(t, ids, labels, 1, 8, &loss, &tokens);
    expect_error(rc, "NMC_MAMBA_ELEM", "trainer NMC_MAMBA_ELEM=bogus refused");
    if (t) nmc_trainer_destroy(t);
    set_switch("NMC_MAMBA_ELEM", nullptr);
}

}  // namespace mamba_rows_test
