// The trainer's Mamba layer (train_layers.cu dispatches to it; shared helpers: train_layer_parts.h),
// forward keeping what backward needs, and backward. Rows R = B * L.
//
//    1. proj = xn in_proj^T                      [R, D | conv_dim | H]  (z | xBC | dt_raw)
//    2. xbc = silu(conv(xBC))                    [R, conv_dim]          per sequence, zeros before
//    3. dt = clamp(softplus(dt_raw + dt_bias))   [R, H]
//    4. y = scan(x, dt, A, B, C) + D x           [R, D]                 (train_ssd.cu, chunked;
//                                                                        NMC_TRAIN_SCAN=sequential:
//                                                                        train_scan.cu)
//    5. tg = y silu(z); mid = RMSNorm_G(tg) * gnorm  [R, D]
//    6. h_out += mid out_proj^T
//    backward 6 .. 1 in reverse, writing dproj (z | xBC | dt_raw) then dxn = dproj in_proj.
// The scan (step 4): which implementation runs (scan_mode), kept for the backward or recomputed
// (scan_save_decide), and the switches they read, are here too.
#include "train_layer_parts.h"

#include "env_switch.h"

#include <cstdint>

namespace nmc::train {
namespace {

k::train::ScanArgs scan_args(nmc_trainer *t, const TLayer &L) {
    k::train::ScanArgs s = scan_shape(t);
    s.xbc = t->xbc.f();
    s.dt = t->dtv.f();
    s.a_log = CW(t, L.a_log);
    s.d = CW(t, L.d);
    s.gemm = &t->gemm;
    return s;
}

// Which scan a layer runs: 0 sequential, 1 chunked, 2 fused forward (first forward only; the
// recompute and backward chunked), 3 fused forward, recompute and backward (NMC_TRAIN_SCAN=fused-bwd,
// experimental). The fused work (and the fused backward's after it) lives in the chunked scan's
// buffer (ckpt); shapes where it does not fit fall back to the chunked scan.
// *tc (when not null): the chunked backward runs its intra-chunk part on tensor cores
// (NMC_TRAIN_SCAN=tc-bwd: the default forward, ssd_backward_tc; BF16 trainers, the FP8 recipe's
// included — its FP8 E4M3 is for the linear layers; the scan is BF16-trainer work as the attention
// is — head_dim a multiple of 16 up to 128; else as unset).
int scan_mode(nmc_trainer *t, const k::train::ScanArgs &s, int *mode, bool *tc = nullptr) {
    *mode = 0;
    if (tc) *tc = false;
    if (!k::train::ssd_selected()) return NMC_OK;
    int choice = -1;
    NMC_TRY(k::train::scan_mode_choice(&choice));
    bool fused = false, fused_bwd = false;
    if (choice == 4) fused = t->dtype == NMC_BF16;  // tc-bwd: the default forward (ssd_fused_selected's unset)
    else NMC_TRY(k::train::ssd_fused_selected(t->dtype, &fused, &fused_bwd));
    // unset: tc-bwd's backward too (hybrid1b step 178.2 -> 173.1 ms with the saved scan on an H100)
    if (tc) *tc = (choice == 4 || choice < 0) && fused && k::train::ssd_intra_bwd_tc_supported(s.head_dim);
    const int64_t fw = k::train::ssd_fused_work_floats(s), room = k::train::ssd_work_floats(s);
    if (fused && fused_bwd && k::train::ssd_backward_fused_supported(s.head_dim, s.state) &&
        fw + k::train::ssd_fused_bwd_work_floats(s) <= room)
        *mode = 3;
    else *mode = fused && fw <= room ? 2 : 1;
    return NMC_OK;
}

// Save instead of recompute (NMC_TRAIN_SCAN_SAVE=1, chunked and fused-forward modes): the first
// forward runs the chunked scan into Mamba layer L's slot of t->scan_save (its regions and y,
// ssd_saved_floats), the recompute before backward copies y back, the backward reads the slot.
// Decided once a forward, at its first Mamba layer (t->scan_saved, read by the recompute and the
// backward that follow): yes when asked for and the slots of all Mamba layers fit the free device
// memory less the buffers the trainer may still make after that point (each weight's GEMM copy,
// later_bytes);
// else the scan is recomputed as without the switch. Memory: Mamba layers x B Lp (conv_dim + 4 H P
// + 2 H) + B nc (H Q Q + H P N + G Q Q) floats (hybrid1b, L 4096: 11 x 581 MB = 6.4 GB).

int mamba_ordinal(nmc_trainer *t, const TLayer &L) {
    int n = 0;
    for (const TLayer &x : t->layers) {
        if (&x == &L) break;
        n += x.kind == 'M';
    }
    return n;
}

// The first forward's decision (mode: scan_mode's); *slot null where the scan is not saved.
int scan_save_decide(nmc_trainer *t, const TLayer &L, const k::train::ScanArgs &s, int mode, float **slot) {
    *slot = nullptr;
    const int64_t per = k::train::ssd_saved_floats(s);
    if (mamba_ordinal(t, L) == 0) {  // the forward's first Mamba layer decides for all
        bool want = false;
        NMC_TRY(k::train::ssd_save_selected(&want));
        t->scan_saved = false;
        if (want && (mode == 1 || mode == 2)) {
            const size_t need = (size_t)t->dims.n_mamba * per * sizeof(float);
            size_t free_b = 0, total_b = 0;
            if (t->scan_save.bytes < need) {
                if (t->scan_save.p) cudaFree(t->scan_save.p);  // count its bytes as free
                t->scan_save.p = nullptr;
                t->scan_save.bytes = 0;
                NMC_CUDA(cudaMemGetInfo(&free_b, &total_b));
                // an allocation that fails after all (ensure clears the CUDA error) leaves the recompute
                if (free_b >= need + later_bytes(t)) (void)ensure(t->scan_save, need);
            }
            t->scan_saved = t->scan_save.bytes >= need;
        } else if (t->scan_save.p) {  // not asked for (any more): give the slots back
            cudaFree(t->scan_save.p);
            t->scan_save.p = nullptr;
            t->scan_save.bytes = 0;
        }
    }
    if (t->scan_saved) *slot = t->scan_save.f() + (int64_t)mamba_ordinal(t, L) * per;
    return NMC_OK;
}

// step 4: the chunked scan keeping what backward reads (recompute: keep), the fused tensor-core
// forward (y only) in a BF16 trainer's first forward (ssd_fused_selected) — and in the recompute,
// leaving its entering states to ssd_backward_fused, under fused-bwd — or the sequential scan; or,
// saved (scan_save_decide), the chunked scan into the layer's slot and, in the recompute, y copied
// back from it. *restored: the recompute restored y.
int scan_fwd(nmc_trainer *t, const TLayer &L, bool keep, bool *restored) {
    k::train::ScanArgs s = scan_args(t, L);
    int mode = 0;
    *restored = false;
    NMC_TRY(scan_mode(t, s, &mode));
    int fwd = -1;  // NMC_TRAIN_SCAN_FWD unset or tf32: a BF16 trainer's chunked forward GEMMs (F2, F5, F7, F8)
    NMC_TRY(env_choice("NMC_TRAIN_SCAN_FWD", {"fp32", "tf32"}, &fwd));  // on TF32; fp32: pedantic fp32
    if (fwd != 0 && t->dtype == NMC_BF16) s.dtype = GEMM_TF32;  // same layout (no BF16 staging either way)
    if (!keep) {
        float *slot = nullptr;
        NMC_TRY(scan_save_decide(t, L, s, mode, &slot));
        if (slot) return k::train::ssd_forward_save(s, t->y.f(), slot, t->ckpt.f(), t->stream);
    } else if (t->scan_saved) {
        *restored = true;
        return k::train::ssd_restore_y(s, t->scan_save.f() + (int64_t)mamba_ordinal(t, L) * k::train::ssd_saved_floats(s),
                                       t->y.f(), t->stream);
    }
    if (mode == 0) return k::train::scan_forward(s, t->y.f(), t->ckpt.f(), t->stream);
    if (mode == 3 || (mode == 2 && !keep)) return k::train::ssd_forward_fused(s, t->y.f(), t->ckpt.f(), t->stream);
    return k::train::ssd_forward(s, t->y.f(), t->ckpt.f(), t->stream);
}

// NMC_MAMBA_ELEM unset or rows: steps 5 (forward and backward) and 3 + 2 (backward) as the row and
// tile kernels of kernels/train_mamba_rows.cu (the gated value tg is then never written: its backward
// recomputes it from y and z); "old": the flat kernels. Read at every layer: set it before
// the trainer's first step and leave it. *norm: the gated norm's rows kernels (groups of at most
// 4096 columns); *conv: the conv + dt backward's (its weight partials in dtmp, when they fit).
int mamba_elem_rows(nmc_trainer *t, bool *norm, bool *conv) {
    int choice = -1;
    NMC_TRY(env_choice("NMC_MAMBA_ELEM", {"old", "rows"}, &choice));
    const Dims &d = t->dims;
    *norm = choice != 0 && k::train::gated_norm_rows_supported(d.inner, d.groups);
    *conv = choice != 0 && k::train::conv_dt_rows_work_floats(t->batch, t->seq_len, d.conv_dim, d.conv_k, d.m_heads) <=
                               (int64_t)t->batch * t->seq_len * d.inner;
    return NMC_OK;
}

}  // namespace

int mamba_fwd(nmc_trainer *t, const TLayer &L, float *h_out) {
    const Dims &d = t->dims;
    int R = t->batch * t->seq_len, pw = d.proj_dim;
    cudaStream_t st = t->stream;
    NMC_TRY(linear_fwd(t, t->xn.f(), d.d, L.in_proj, L.in_proj_b, d.d, pw, t->proj.f(), pw, 0.0f, xn16(t, L.in_proj)));  // 1.
    t->profile.mark(st, "mamba.fwd.in_proj");
    for (int b = 0; b < t->batch; b++) {                                                              // 2.
        k::Conv cv{};
        cv.in = t->proj.f() + (int64_t)b * t->seq_len * pw + d.inner;
        cv.in_stride = pw;
        cv.out = t->xbc.f() + (int64_t)b * t->seq_len * d.conv_dim;
        cv.out_stride = d.conv_dim;
        cv.channels = d.conv_dim;
        cv.kernel = d.conv_k;
        cv.w = CW(t, L.conv_w);
        cv.bias = L.conv_b >= 0 ? CW(t, L.conv_b) : nullptr;
        cv.silu = true;
        NMC_TRY(k::conv_prefill(cv, t->seq_len, nullptr, st));
    }
    NMC_TRY(k::train::dt_forward(t->proj.f() + d.inner + d.conv_dim, pw, CW(t, L.dt_bias), R, d.m_heads,   // 3.
                                 t->cfg.dt_min, t->cfg.dt_max, t->dtv.f(), st));
    t->profile.mark(st, "mamba.fwd.conv_dt");
    bool restored = false;
    NMC_TRY(scan_fwd(t, L, h_out == nullptr, &restored));                                             // 4.
    t->profile.mark(st, restored ? "mamba.fwd.scan_restore" : "mamba.fwd.scan");
    void *mid16;
    NMC_TRY(mid16_for(t, L.out_proj, d.inner, &mid16));
    bool rows = false, conv_rows = false;
    NMC_TRY(mamba_elem_rows(t, &rows, &conv_rows));
    if (rows) {                                                                                          // 5.
        NMC_TRY(k::train::gated_norm_forward_rows(t->y.f(), t->proj.f(), pw, R, d.inner, d.groups, CW(t, L.gnorm),
                                                  t->cfg.norm_eps, t->mid.f(), t->rstd_g.f(), st, mid16));
    } else {
        NMC_TRY(k::train::gate_forward(t->y.f(), t->proj.f(), pw, R, d.inner, t->tg.f(), st));
        NMC_TRY(k::train::rms_forward(t->tg.f(), R, d.inner, d.groups, CW(t, L.gnorm), t->cfg.norm_eps, t->mid.f(),
                                      t->rstd_g.f(), st, mid16));
    }
    if (h_out != nullptr) {                                                                             // 6.
        NMC_TRY(linear_fwd(t, t->mid.f(), d.inner, L.out_proj, L.out_proj_b, d.inner, d.d, h_out, d.d, 1.0f, mid16));
    }
    return NMC_OK;
}

int mamba_bwd(nmc_trainer *t, const TLayer &L) {
    const Dims &d = t->dims;
    int R = t->batch * t->seq_len, pw = d.proj_dim;
    cudaStream_t st = t->stream;
    // 6. out_proj: dmid = dh out_proj (mid as the recompute left it: fp32, or BF16 in mid16)
    void *mid16;
    NMC_TRY(mid16_for(t, L.out_proj, d.inner, &mid16));
    NMC_TRY(linear_bwd(t, t->dh.f(), d.d, t->mid.f(), d.inner, L.out_proj, L.out_proj_b, d.inner, d.d, t->dmid.f(),
                       d.inner, 0.0f, mid16));
    t->profile.mark(st, "mamba.bwd.out_proj");
    // 5. gated group norm: dtg, then dy (into dmid) and dz (into dproj's z columns)
    bool rows = false, conv_rows = false;
    NMC_TRY(mamba_elem_rows(t, &rows, &conv_rows));
    const int64_t work_floats = (int64_t)R * d.inner;  // dtmp: the rows kernels' weight partials
    if (rows) {
        NMC_TRY(k::train::gated_norm_backward_rows(t->y.f(), t->proj.f(), t->dproj.f(), pw, CW(t, L.gnorm), t->rstd_g.f(),
                                                   t->dmid.f(), R, d.inner, d.groups, G(t, L.gnorm), t->dtmp.f(),
                                                   work_floats, st));
    } else {
        NMC_TRY(k::train::rms_backward(t->tg.f(), CW(t, L.gnorm), t->rstd_g.f(), t->dmid.f(), R, d.inner, d.groups,
                                       t->dtmp.f(), false, G(t, L.gnorm), st));
        NMC_TRY(k::train::gate_backward(t->y.f(), t->proj.f(), pw, t->dtmp.f(), R, d.inner, t->dmid.f(), t->dproj.f(), st));
    }
    t->profile.mark(st, "mamba.bwd.gate_norm");
    // 4. scan: dxbc (x | B | C), ddt, dA_log, dD
    const k::train::ScanArgs sa = scan_args(t, L);
    int mode = 0;
    bool tc = false;
    NMC_TRY(scan_mode(t, sa, &mode, &tc));
    float *fwork = t->ckpt.f(), *bwork = fwork + k::train::ssd_fused_work_floats(sa);
    const float *saved = t->scan_saved  // the forward's decision (scan_save_decide: modes 1 and 2 only)
                             ? t->scan_save.f() + (int64_t)mamba_ordinal(t, L) * k::train::ssd_saved_floats(sa)
                             : nullptr;
    NMC_TRY(tc && mode != 0 && mode != 3
                ? k::train::ssd_backward_tc(sa, saved ? saved : t->ckpt.f(), t->ckpt.f(), t->dmid.f(), t->dxbc.f(),
                                            t->ddt.f(), G(t, L.a_log), G(t, L.d), st)
            : saved     ? k::train::ssd_backward_saved(sa, saved, t->ckpt.f(), t->dmid.f(), t->dxbc.f(), t->ddt.f(),
                                                       G(t, L.a_log), G(t, L.d), st)
            : mode == 3 ? k::train::ssd_backward_fused(sa, fwork, bwork, t->dmid.f(), t->dxbc.f(), t->ddt.f(),
                                                       G(t, L.a_log), G(t, L.d), st)
            : mode != 0 ? k::train::ssd_backward(sa, t->ckpt.f(), t->dmid.f(), t->dxbc.f(), t->ddt.f(),
                                                 G(t, L.a_log), G(t, L.d), st)
                        : k::train::scan_backward(sa, t->ckpt.f(), t->dmid.f(), t->dxbc.f(), t->ddt.f(),
                                                  G(t, L.a_log), G(t, L.d), st));
    t->profile.mark(st, "mamba.bwd.scan");
    if (conv_rows) {  // 3. + 2. in one launch (and one sum of the weight partials)
        k::train::ConvDtBwd a{};
        a.batch = t->batch, a.seq_len = t->seq_len, a.channels = d.conv_dim, a.kernel = d.conv_k;
        a.in = t->proj.f() + d.inner, a.in_stride = pw;
        a.w = CW(t, L.conv_w), a.bias = L.conv_b >= 0 ? CW(t, L.conv_b) : nullptr;
        a.dout = t->dxbc.f(), a.dout_stride = d.conv_dim;
        a.din = t->dproj.f() + d.inner, a.din_stride = pw;
        a.dw = G(t, L.conv_w), a.dbias = L.conv_b >= 0 ? G(t, L.conv_b) : nullptr;
        a.heads = d.m_heads, a.lo = t->cfg.dt_min, a.hi = t->cfg.dt_max;
        a.raw = t->proj.f() + d.inner + d.conv_dim, a.raw_stride = pw;
        a.dt_bias = CW(t, L.dt_bias), a.ddt = t->ddt.f();
        a.draw = t->dproj.f() + d.inner + d.conv_dim, a.ddt_bias = G(t, L.dt_bias);
        NMC_TRY(k::train::conv_dt_backward_rows(a, t->dtmp.f(), work_floats, st));
    } else {
        // 3. dt: d dt_raw into dproj's dt columns, dt_bias
        NMC_TRY(k::train::dt_backward(t->proj.f() + d.inner + d.conv_dim, pw, CW(t, L.dt_bias), t->ddt.f(), R, d.m_heads,
                                      t->cfg.dt_min, t->cfg.dt_max, t->dproj.f() + d.inner + d.conv_dim, G(t, L.dt_bias),
                                      st));
        // 2. silu and conv: d xBC into dproj's xBC columns
        NMC_TRY(k::train::conv_backward(t->proj.f() + d.inner, pw, CW(t, L.conv_w),
                                        L.conv_b >= 0 ? CW(t, L.conv_b) : nullptr, t->dxbc.f(), d.conv_dim, t->batch,
                                        t->seq_len, d.conv_dim, d.conv_k, t->dproj.f() + d.inner, pw, G(t, L.conv_w),
                                        L.conv_b >= 0 ? G(t, L.conv_b) : nullptr, st));
    }
    t->profile.mark(st, "mamba.bwd.dt_conv");
    // 1. in_proj
    return linear_bwd(t, t->dproj.f(), pw, t->xn.f(), d.d, L.in_proj, L.in_proj_b, d.d, pw, t->dxn.f(), d.d, 0.0f,
                      xn16(t, L.in_proj));
}

}  // namespace nmc::train

// Test hook for nmc_train_selftest (declared there, not in the public header): whether the last
// forward saved its scans for the backward (NMC_TRAIN_SCAN_SAVE=1 and room; scan_save_decide).
extern "C" int nmc_trainer_scan_saved(const nmc_trainer *t) { return t != nullptr && t->scan_saved ? 1 : 0; }
