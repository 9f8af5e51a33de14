#pragma once
// Part of nmc_train_selftest (train_selftest.cpp includes it; uses selftest_common.h, train_reference.h).
// The trainer end to end: a training step in F32 and FP8, the attention choice, the token-weighted head (uses err_in of train_selftest_attention.h).

// The tiny hybrid of the trainer tests: Mamba-2, GQA 4:2 attention, MLP; fp32 GEMMs.
static nmc_config tiny_hybrid() {
    nmc_config c{};
    c.abi_version = NMC_ABI_VERSION;
    c.vocab_size = 300;
    c.hidden_size = 64;
    c.pattern = "M*-M-*M-";
    c.num_layers = 8;
    c.intermediate_size = 96;
    c.num_attention_heads = 4;
    c.num_key_value_heads = 2;
    c.head_dim = 16;
    c.mamba_num_heads = 8;
    c.mamba_head_dim = 16;
    c.n_groups = 2;
    c.ssm_state_size = 16;
    c.conv_kernel = 4;
    c.chunk_size = 16;
    c.norm_eps = 1e-5f;
    c.dt_min = 0.0f;
    c.dt_max = INFINITY;
    c.use_conv_bias = 1;
    c.compute_dtype = NMC_F32;
    return c;
}

// The trainer end to end on a tiny hybrid (Mamba-2, GQA 4:2 attention, MLP) with random weights:
// one step in F32 and with every linear layer but the first and last in FP8 (set by name, as the
// Java side does): losses finite, the step lowers the loss on its batch, FP8 close to but not equal
// to F32; then the errors of nmc_trainer_set_gemm_precision and a head_dim beyond the flash kernels.
static void trainer_tests() {
    nmc_config c = tiny_hybrid();
    const int rows = 2, len = 70;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(3);
    for (int i = 0; i < rows * len; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
    auto one_step = [&](bool fp8, double *before, double *after) -> bool {
        nmc_trainer *t = nullptr;
        if (nmc_trainer_create(&c, 0, &t) != NMC_OK || nmc_trainer_init_random(t, 11) != NMC_OK) {
            check(false, std::string("trainer create: ") + nmc_last_error());
            if (t) nmc_trainer_destroy(t);
            return false;
        }
        std::vector<std::string> linear;
        for (int i = 0; i < nmc_trainer_param_count(t); i++) {
            char name[256];
            int64_t shape[4];
            int ndim = 0;
            nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
            if (ndim == 2 && strcmp(name, "backbone.embeddings.weight") != 0) linear.push_back(name);
        }
        bool ok = true;
        for (size_t i = 1; fp8 && i + 1 < linear.size(); i++)
            ok &= nmc_trainer_set_gemm_precision(t, linear[i].c_str(), NMC_FP8) == NMC_OK;
        int64_t tokens = 0;
        double norm = 0;
        ok = ok && nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, before, &tokens) == NMC_OK &&
             nmc_trainer_backward(t) == NMC_OK &&
             nmc_trainer_step(t, 3e-3, 1.0, 0.9, 0.95, 1e-8, 0.0, &norm) == NMC_OK &&
             nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, after, &tokens) == NMC_OK;
        if (!ok) check(false, std::string(fp8 ? "fp8" : "f32") + " trainer step: " + nmc_last_error());
        nmc_trainer_destroy(t);
        return ok;
    };
    scan_test::trainer_case(c, ids, labels, rows, len);
    double f0 = 0, f1 = 0, q0 = 0, q1 = 0;
    if (one_step(false, &f0, &f1) && one_step(true, &q0, &q1)) {
        char buf[160];
        snprintf(buf, sizeof buf, " (f32 %.5f -> %.5f, fp8 %.5f -> %.5f)", f0, f1, q0, q1);
        check(std::isfinite(f0) && std::isfinite(q0) && f1 < f0 && q1 < q0, std::string("trainer step lowers the loss") + buf);
        check(q0 != f0 && std::fabs(q0 - f0) < 0.02 * f0, std::string("trainer fp8 loss within 2% of f32, not equal") + buf);
    }
    nmc_trainer *t = nullptr;
    if (nmc_trainer_create(&c, 0, &t) == NMC_OK) {
        expect_error(nmc_trainer_set_gemm_precision(t, "backbone.norm_f.weight", NMC_FP8), "not a linear layer",
                     "set_gemm_precision on a norm refused");
        expect_error(nmc_trainer_set_gemm_precision(t, "backbone.layers.0.mixer.in_proj.weight", 7), "GEMM precision must be",
                     "set_gemm_precision with precision 7 refused");
        expect_error(nmc_trainer_set_gemm_precision(t, "backbone.layers.99.mixer.in_proj.weight", NMC_FP8), "no parameter",
                     "set_gemm_precision on an unknown weight refused");
        check(nmc_trainer_set_gemm_precision(t, "model.layers.0.mixer.in_proj.weight", NMC_FP8) == NMC_OK,
              "set_gemm_precision takes the model. prefix");
        nmc_trainer_destroy(t);
    }
    nmc_config wide = c;
    wide.head_dim = 300;
    t = nullptr;
    expect_error(nmc_trainer_create(&wide, 0, &t), "head_dim up to 256", "trainer with attention head_dim 300 refused");
    if (t) nmc_trainer_destroy(t);
}

// The trainer's attention choice on a BF16 model of GQA 4:1 attention (head_dim 64) and MLP layers:
// with NMC_TRAIN_ATTENTION = flash, tc, materialised, mma, mma-bwd and unset, one forward + backward: the
// loss and the gradients of both attention layers' q_proj and v_proj. tc (BF16 tensor cores) against
// flash (fp32 kernels), mma (the register-resident forward + the tc backward) and mma-bwd (that forward
// + the register-resident backward) against flash: loss within
// 1e-3 relative, gradients within 3e-2 of each tensor's largest value;
// materialised against flash within 1e-2 (both fp32 attention). Unset must be mma-bwd for BF16 (the
// same forward loss bit for bit: the forward has no atomics; gradients within the atomics' reordering;
// the default since 2026-12-07) and must differ from flash. A bad value:
// one error line naming the variable.
static void trainer_attention_tests() {
    nmc_config c = tiny_hybrid();  // then GQA 4:1 of head_dim 64 (the tensor-core kernels' shape), BF16
    c.hidden_size = 128;
    c.pattern = "*-*-";  // no Mamba layer: the forward has no atomics, so unset vs tc compares bit for bit
    c.num_layers = 4;
    c.num_key_value_heads = 1;
    c.head_dim = 64;
    c.compute_dtype = NMC_BF16;
    const int rows = 2, len = 150;
    std::vector<int32_t> ids(rows * len), labels(rows * len);
    std::mt19937 g(5);
    for (int i = 0; i < rows * len; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < rows * len; i++) labels[i] = (i + 1) % len == 0 ? -100 : ids[i + 1];
    const char *names[] = {"backbone.layers.0.mixer.q_proj.weight", "backbone.layers.0.mixer.v_proj.weight",
                           "backbone.layers.2.mixer.q_proj.weight", "backbone.layers.2.mixer.v_proj.weight"};
    struct Result { bool ok = false; double loss = 0; Vec grads[4]; };
    auto one = [&](const char *impl) {
        Result r;
        if (impl) setenv("NMC_TRAIN_ATTENTION", impl, 1);
        else unsetenv("NMC_TRAIN_ATTENTION");
        nmc_trainer *t = nullptr;
        int64_t tokens = 0;
        r.ok = nmc_trainer_create(&c, 0, &t) == NMC_OK && nmc_trainer_init_random(t, 21) == NMC_OK &&
               nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &r.loss, &tokens) == NMC_OK &&
               nmc_trainer_backward(t) == NMC_OK;
        for (int n = 0; n < 4 && r.ok; n++) {
            r.grads[n].resize((size_t)(n % 2 == 0 ? 4 : 1) * 64 * c.hidden_size);
            r.ok = nmc_trainer_get_tensor(t, names[n], NMC_TRAIN_GRAD, r.grads[n].data()) == NMC_OK;
        }
        if (!r.ok) check(false, std::string("trainer attention ") + (impl ? impl : "default") + ": " + nmc_last_error());
        if (t) nmc_trainer_destroy(t);
        return r;
    };
    Result fl = one("flash"), tc = one("tc"), mat = one("materialised"), def = one(nullptr), mma = one("mma"),
           mmab = one("mma-bwd");
    if (fl.ok && tc.ok && mat.ok && def.ok && mma.ok && mmab.ok) {
        auto compare = [&](const Result &a, const char *an, double tol_loss, double tol) {
            double el = std::fabs(a.loss - fl.loss) / std::fabs(fl.loss);
            char buf[160];
            snprintf(buf, sizeof buf, "trainer bf16 attention %s vs flash: loss %.6f vs %.6f (rel err %.2e, tol %.0e)", an,
                     a.loss, fl.loss, el, tol_loss);
            check(std::isfinite(a.loss) && el <= tol_loss, buf);
            for (int n = 0; n < 4; n++) {
                double scale = 0, e = err_in(a.grads[n], fl.grads[n], 0, &scale);
                snprintf(buf, sizeof buf, " (max err %.2e of max |flash| %.2e, tol %.0e)", e, scale, tol);
                check(e <= tol && scale > 0, std::string("trainer bf16 attention ") + an + " vs flash: grad " + names[n] + buf);
            }
        };
        compare(tc, "tc", 1e-3, 3e-2);
        compare(mat, "materialised", 1e-3, 1e-2);
        compare(mma, "mma", 1e-3, 3e-2);
        compare(mmab, "mma-bwd", 1e-3, 3e-2);
        // unset is mma-bwd: mma's forward (the same loss bit for bit) and mma-bwd's backward (its
        // gradients within the atomics' reordering, far closer than the tc backward's)
        double e_bwd = 0, e_tc = 0, scale = 0;
        for (int n = 0; n < 4; n++) {
            e_bwd = std::max(e_bwd, err_in(def.grads[n], mmab.grads[n], 0, &scale));
            e_tc = std::max(e_tc, err_in(def.grads[n], mma.grads[n], 0, &scale));
        }
        char buf[240];
        snprintf(buf, sizeof buf, "trainer bf16 attention: unset picks mma-bwd (loss %.9f, mma-bwd %.9f, flash %.9f; "
                 "grads vs mma-bwd %.1e (tol 1e-3), vs mma's tc backward %.1e)", def.loss, mmab.loss, fl.loss, e_bwd, e_tc);
        check(def.loss == mmab.loss && mmab.loss != fl.loss && e_bwd <= 1e-3 && e_tc > e_bwd, buf);
    }
    setenv("NMC_TRAIN_ATTENTION", "cudnn", 1);
    nmc_trainer *t = nullptr;
    int64_t tokens = 0;
    double loss = 0;
    if (nmc_trainer_create(&c, 0, &t) == NMC_OK && nmc_trainer_init_random(t, 21) == NMC_OK)
        expect_error(nmc_trainer_forward(t, ids.data(), labels.data(), rows, len, &loss, &tokens),
                     "NMC_TRAIN_ATTENTION must be flash, tc, materialised, mma or mma-bwd", "trainer NMC_TRAIN_ATTENTION=cudnn refused");
    if (t) nmc_trainer_destroy(t);
    unsetenv("NMC_TRAIN_ATTENTION");
}

// The loss-agnostic head (nmc_trainer_token_logprobs, nmc_trainer_set_token_weights), the base of the
// device DPO and GRPO steps: on the tiny hybrid with random weights,
// 1. the token log-probs are -CE per kept position (0 where ignored): -sum / tokens = the forward's loss;
// 2. weights 1/tokens reproduce the plain backward's gradients (two trainers, same seed);
// 3. a weighted loss L = sum_r w_r CE_r (w of both signs, as DPO's rejected and GRPO's negative
//    advantages give) against central finite differences along a random direction of several tensors;
// 4. the errors: token calls without a saved forward, a non-finite weight.
static std::vector<std::string> param_names(nmc_trainer *t) {
    std::vector<std::string> names;
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        names.push_back(name);
    }
    return names;
}

static size_t param_size(nmc_trainer *t, const std::string &want) {
    for (int i = 0; i < nmc_trainer_param_count(t); i++) {
        char name[256];
        int64_t shape[4];
        int ndim = 0;
        nmc_trainer_param_info(t, i, name, sizeof name, shape, &ndim);
        if (want == name) {
            size_t n = 1;
            for (int k = 0; k < ndim; k++) n *= (size_t)shape[k];
            return n;
        }
    }
    return 0;
}

static void token_weight_tests() {
    nmc_config c = tiny_hybrid();
    const int rows = 2, len = 24, R = rows * len;
    std::vector<int32_t> ids(R), labels(R);
    std::mt19937 g(5);
    for (int i = 0; i < R; i++) ids[i] = (int32_t)(g() % c.vocab_size);
    for (int i = 0; i < R; i++) labels[i] = (i % len) < 3 || (i + 1) % len == 0 ? -100 : ids[i + 1];  // a "prompt" ignored
    nmc_trainer *a = nullptr, *b = nullptr;
    if (nmc_trainer_create(&c, 0, &a) != NMC_OK || nmc_trainer_init_random(a, 17) != NMC_OK ||
        nmc_trainer_create(&c, 0, &b) != NMC_OK || nmc_trainer_init_random(b, 17) != NMC_OK) {
        check(false, std::string("token weights: trainer create: ") + nmc_last_error());
        if (a) nmc_trainer_destroy(a);
        if (b) nmc_trainer_destroy(b);
        return;
    }
    std::vector<float> w(R, 0.0f), lp(R);
    // 4a. no saved forward yet
    expect_error(nmc_trainer_token_logprobs(a, lp.data()), "forward pass just before", "token log-probs without a forward refused");
    expect_error(nmc_trainer_set_token_weights(a, w.data()), "forward pass just before", "token weights without a forward refused");
    double loss_a = 0, loss_b = 0;
    int64_t tok = 0;
    bool ok = nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &loss_a, &tok) == NMC_OK &&
              nmc_trainer_token_logprobs(a, lp.data()) == NMC_OK && nmc_trainer_backward(a) == NMC_OK;
    // 1. log-probs against the loss
    double sum = 0;
    int nonzero_ignored = 0, positive = 0;
    for (int r = 0; r < R; r++) {
        sum += lp[r];
        nonzero_ignored += labels[r] == -100 && lp[r] != 0.0f;
        positive += lp[r] > 0.0f;
    }
    char buf[200];
    snprintf(buf, sizeof buf, " (loss %.6f, -sum/tokens %.6f, %lld tokens)", loss_a, -sum / (double)tok, (long long)tok);
    check(ok && tok > 0 && std::fabs(-sum / tok - loss_a) <= 1e-5 * loss_a && nonzero_ignored == 0 && positive == 0,
          std::string("token log-probs: -mean = the forward's loss, 0 where ignored, <= 0 elsewhere") + buf);
    // 2. weights 1/tokens = the plain backward
    for (int r = 0; r < R; r++) w[r] = 1.0f / (float)tok;
    w[0] = 123.0f;  // an ignored position: its weight must not matter
    ok = ok && nmc_trainer_forward(b, ids.data(), labels.data(), rows, len, &loss_b, &tok) == NMC_OK &&
         nmc_trainer_set_token_weights(b, w.data()) == NMC_OK && nmc_trainer_backward(b) == NMC_OK;
    if (!ok) check(false, std::string("token weights: forward/backward: ") + nmc_last_error());
    double worst = 0;
    std::string worst_name;
    for (const std::string &name : param_names(a)) {
        size_t n = param_size(a, name);
        Vec ga(n), gb(n);
        if (!ok || nmc_trainer_get_tensor(a, name.c_str(), NMC_TRAIN_GRAD, ga.data()) != NMC_OK ||
            nmc_trainer_get_tensor(b, name.c_str(), NMC_TRAIN_GRAD, gb.data()) != NMC_OK) {
            ok = false;
            break;
        }
        double e = max_rel_err(gb, ga);
        if (!(e <= worst)) {
            worst = std::isnan(e) ? 1e9 : e;
            worst_name = name;
        }
    }
    // the same dlogits; only the order of the backward's atomic adds (embedding, scan) may differ
    snprintf(buf, sizeof buf, " (worst %.2e of max |grad| in %s, tol 1e-5)", worst, worst_name.c_str());
    check(ok && worst <= 1e-5, std::string("token weights 1/tokens reproduce the plain backward") + buf);
    nmc_trainer_destroy(b);
    // 3. a weighted loss against finite differences (trainer a: its gradient sum is cleared by a step at lr 0)
    double norm = 0;
    ok = ok && nmc_trainer_step(a, 0.0, 0.0, 0.9, 0.95, 1e-8, 0.0, &norm) == NMC_OK;
    std::normal_distribution<float> nd(0.0f, 1.0f);
    for (int r = 0; r < R; r++) w[r] = labels[r] == -100 ? 0.0f : nd(g) / (float)tok;
    auto weighted_loss = [&](double *out) -> bool {
        double l = 0;
        int64_t tk = 0;
        if (nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &l, &tk) != NMC_OK ||
            nmc_trainer_token_logprobs(a, lp.data()) != NMC_OK)
            return false;
        double s = 0;
        for (int r = 0; r < R; r++) s += (double)w[r] * -(double)lp[r];
        *out = s;
        return true;
    };
    double l0 = 0, abs_wlp = 0;
    ok = ok && weighted_loss(&l0) && nmc_trainer_set_token_weights(a, w.data()) == NMC_OK && nmc_trainer_backward(a) == NMC_OK;
    if (!ok) {
        check(false, std::string("token weights: weighted backward: ") + nmc_last_error());
        nmc_trainer_destroy(a);
        return;
    }
    for (int r = 0; r < R; r++) abs_wlp += std::fabs((double)w[r] * lp[r]);
    const char *tensors[] = {"backbone.embeddings.weight", "backbone.layers.0.mixer.in_proj.weight",
                             "backbone.layers.0.mixer.A_log", "backbone.layers.1.mixer.q_proj.weight",
                             "backbone.layers.2.mixer.down_proj.weight", "backbone.norm_f.weight", "lm_head.weight"};
    for (const char *name : tensors) {
        size_t n = param_size(a, name);
        if (n == 0) continue;  // tied head
        Vec w0(n), grad(n), dir = randn(n, 900 + (uint32_t)n), wp(n);
        nmc_trainer_get_tensor(a, name, NMC_TRAIN_WEIGHT, w0.data());
        nmc_trainer_get_tensor(a, name, NMC_TRAIN_GRAD, grad.data());
        double wmax = 1e-3, analytic = 0;
        for (size_t i = 0; i < n; i++) wmax = std::max(wmax, (double)std::fabs(w0[i]));
        for (size_t i = 0; i < n; i++) analytic += (double)grad[i] * dir[i];
        double eps = 5e-3 * wmax, lp_ = 0, lm_ = 0;
        int64_t shape[1] = {(int64_t)n};
        bool fine = true;
        for (int sgn : {1, -1}) {
            for (size_t i = 0; i < n; i++) wp[i] = (float)(w0[i] + sgn * eps * dir[i]);
            fine &= nmc_trainer_set_tensor(a, name, NMC_TRAIN_WEIGHT, NMC_F32, 1, shape, wp.data()) == NMC_OK &&
                    weighted_loss(sgn > 0 ? &lp_ : &lm_);
        }
        fine &= nmc_trainer_set_tensor(a, name, NMC_TRAIN_WEIGHT, NMC_F32, 1, shape, w0.data()) == NMC_OK;
        double numeric = (lp_ - lm_) / (2 * eps);
        // 2% of the derivative, plus the fp32 rounding floor of the difference quotient: the loss
        // sum is good to ~1e-6 of sum |w lp| (fp32 logits), divided by 2 eps
        double floor = 1e-6 * abs_wlp / (2 * eps), tol = 2e-2 * std::fabs(analytic) + floor;
        double err = std::fabs(numeric - analytic);
        snprintf(buf, sizeof buf, ": analytic %.6e, central difference %.6e (eps %.1e), |diff| %.2e, tol %.2e (floor %.1e)",
                 analytic, numeric, eps, err, tol, floor);
        check(fine && err <= tol, std::string("token-weighted loss finite differences along a random direction of ") + name + buf);
    }
    // 4b. a non-finite weight
    double l = 0;
    int64_t tk = 0;
    nmc_trainer_forward(a, ids.data(), labels.data(), rows, len, &l, &tk);
    w[5] = NAN;
    expect_error(nmc_trainer_set_token_weights(a, w.data()), "not finite", "a NaN token weight refused");
    nmc_trainer_destroy(a);
}
