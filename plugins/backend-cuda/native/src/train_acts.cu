// Keeping every layer's forward intermediates for its backward instead of recomputing them
// (NMC_TRAIN_KEEP_ACTIVATIONS unset or 1: where they fit; 0: always recompute, the old way).
//
// Without it the trainer keeps only each layer's input h_in between forward and backward, and the
// backward of layer i first runs layer i's forward again (its GEMMs included: a third more GEMM
// work a step). With it, layer i's forward writes into slots of its own (nmc::LayerActs), which
// the backward reads as they were left:
//   1. acts_decide (forward start): per layer kind the bytes of what its backward reads, R = B L rows
//        all    xn [R, d] fp32, rstd [R], xn16 [R, d] BF16 (made on first use)
//        M      proj [R, proj_dim], xbc [R, conv_dim], dtv [R, H], y, tg, mid [R, inner], rstd_g [R, G],
//               mid16 [R, inner] BF16 (made on first use)
//        *      proj [R, qkv_dim], mid [R, Hq hd], lse [B, Hq, L]
//        -      proj, mid [R, mlp], mid16 [R, mlp] BF16 (made on first use)
//      kept when the switch allows, a hybrid's scans will be saved too (the scan's own work buffer is
//      shared by the layers: NMC_TRAIN_SCAN_SAVE, sequential and fused-bwd scans recompute), and the
//      slots missing plus the scan's slots fit the free memory less later_bytes;
//   2. layer i's forward and backward each run between two acts_swap(t, i): the trainer's buffers of
//      the same names and layer i's slots trade places (pointers only), so the layer code is the same;
//   3. acts_settle (forward end): a hybrid whose scans were not saved after all recomputes.
// The results are the same bits as the recompute's: the same kernels on the same inputs.
// Memory (hybrid1b, B 1, L 4096): ~0.55 GB a Mamba layer, ~0.38 GB an MLP, ~0.12 GB an attention layer.
#include "train.h"

#include "env_switch.h"

#include <utility>
#include <vector>

namespace nmc::train {
namespace {

constexpr size_t HEADROOM = (size_t)2 << 30;  // activation copies and cuBLAS work made later

using Slot = Buf LayerActs::*;

// The slots a layer of `kind` keeps and their bytes (lazily made BF16 copies included, as ensure
// will make them in the forward).
std::vector<std::pair<Slot, size_t>> slot_bytes(const nmc_trainer *t, char kind) {
    const Dims &d = t->dims;
    const size_t R = (size_t)t->batch * t->seq_len, F = sizeof(float);
    std::vector<std::pair<Slot, size_t>> v{{&LayerActs::xn, R * d.d * F}, {&LayerActs::rstd, R * F}};
    const size_t xn16 = R * d.d * 2;
    if (kind == 'M') {
        v.insert(v.end(), {{&LayerActs::proj, R * d.proj_dim * F}, {&LayerActs::xbc, R * d.conv_dim * F},
                           {&LayerActs::dtv, R * d.m_heads * F}, {&LayerActs::y, R * d.inner * F},
                           {&LayerActs::tg, R * d.inner * F}, {&LayerActs::mid, R * d.inner * F},
                           {&LayerActs::rstd_g, R * d.groups * F}});
        v.push_back({&LayerActs::xn16, xn16});
        v.push_back({&LayerActs::mid16, R * d.inner * 2});
    } else if (kind == '*') {
        v.insert(v.end(), {{&LayerActs::proj, R * d.qkv_dim * F}, {&LayerActs::mid, R * d.q_heads * d.head_dim * F},
                           {&LayerActs::lse, (size_t)t->batch * d.q_heads * t->seq_len * F}});
        v.push_back({&LayerActs::xn16, xn16});
    } else {
        v.insert(v.end(), {{&LayerActs::proj, R * d.mlp * F}, {&LayerActs::mid, R * d.mlp * F}});
        v.push_back({&LayerActs::xn16, xn16});
        v.push_back({&LayerActs::mid16, R * d.mlp * 2});
    }
    return v;
}

// Whether the scans of a hybrid can be saved at all (scan_save_decide also needs the room).
int scans_savable(bool *ok) {
    *ok = false;
    if (!k::train::ssd_selected()) return NMC_OK;  // sequential scan
    bool want = false;
    NMC_TRY(k::train::ssd_save_selected(&want));
    int choice = -1;
    NMC_TRY(k::train::scan_mode_choice(&choice));
    *ok = want && choice != 1;  // fused-bwd recomputes its scan
    return NMC_OK;
}

}  // namespace

size_t later_bytes(const nmc_trainer *t) {
    size_t later = HEADROOM;
    for (const TParam &p : t->params) later += !p.linear || p.w16.p || p.q8_fwd.p ? 0 : (size_t)p.n * 2;
    return later;
}

k::train::ScanArgs scan_shape(const nmc_trainer *t) {
    const Dims &d = t->dims;
    k::train::ScanArgs s{};
    s.batch = t->batch;
    s.seq_len = t->seq_len;
    s.heads = d.m_heads;
    s.head_dim = d.m_head_dim;
    s.state = d.state;
    s.groups = d.groups;
    s.conv_dim = d.conv_dim;
    s.dtype = SCAN_GEMM_DTYPE;
    return s;
}

int acts_decide(nmc_trainer *t) {
    int choice = -1;
    NMC_TRY(env_choice("NMC_TRAIN_KEEP_ACTIVATIONS", {"0", "1"}, &choice));
    t->acts_kept = false;
    bool scans = true;
    if (t->dims.n_mamba) NMC_TRY(scans_savable(&scans));
    if (choice == 0 || !scans) {  // not asked for (any more), or of no use: give the slots back
        acts_free(t);
        return NMC_OK;
    }
    const int layers = (int)t->layers.size();
    t->acts.resize(layers);
    size_t missing = 0;  // bytes of the slots that must grow (ensure frees the old one first)
    for (int i = 0; i < layers; i++) {
        for (const auto &[slot, bytes] : slot_bytes(t, t->layers[i].kind)) {
            const Buf &b = t->acts[i].*slot;
            missing += b.bytes >= bytes ? 0 : bytes - b.bytes;
        }
    }
    if (missing > 0) {
        size_t scan = 0;  // the scans' slots, allocated at the first Mamba layer (scan_save_decide)
        if (t->dims.n_mamba) {
            const size_t need = (size_t)t->dims.n_mamba * k::train::ssd_saved_floats(scan_shape(t)) * sizeof(float);
            scan = t->scan_save.bytes >= need ? 0 : need - t->scan_save.bytes;
        }
        size_t free_b = 0, total_b = 0;
        NMC_CUDA(cudaMemGetInfo(&free_b, &total_b));
        if (free_b < missing + scan + later_bytes(t)) {
            acts_free(t);
            return NMC_OK;
        }
        for (int i = 0; i < layers; i++) {
            for (const auto &[slot, bytes] : slot_bytes(t, t->layers[i].kind)) {
                if (ensure(t->acts[i].*slot, bytes) != NMC_OK) {  // ensure cleared the CUDA error: recompute
                    acts_free(t);
                    return NMC_OK;
                }
            }
        }
    }
    t->acts_kept = true;
    return NMC_OK;
}

void acts_swap(nmc_trainer *t, int i) {
    LayerActs &a = t->acts[i];
    std::swap(t->xn, a.xn);
    std::swap(t->rstd, a.rstd);
    std::swap(t->xn16, a.xn16);
    std::swap(t->proj, a.proj);
    std::swap(t->xbc, a.xbc);
    std::swap(t->dtv, a.dtv);
    std::swap(t->y, a.y);
    std::swap(t->tg, a.tg);
    std::swap(t->rstd_g, a.rstd_g);
    std::swap(t->mid, a.mid);
    std::swap(t->mid16, a.mid16);
    std::swap(t->lse, a.lse);
    std::swap(t->xn16_ready, a.xn16_ready);
}

void acts_settle(nmc_trainer *t) {
    if (t->acts_kept && t->dims.n_mamba && !t->scan_saved) t->acts_kept = false;
}

void acts_free(nmc_trainer *t) {
    for (LayerActs &a : t->acts) {
        for (Buf *b : {&a.xn, &a.rstd, &a.xn16, &a.proj, &a.xbc, &a.dtv, &a.y, &a.tg, &a.rstd_g, &a.mid, &a.mid16, &a.lse}) {
            if (b->p) cudaFree(b->p);
        }
    }
    t->acts.clear();
    t->acts_kept = false;
}

}  // namespace nmc::train

// Test hook for nmc_train_selftest (declared there, not in the public header): whether the last
// forward kept every layer's intermediates for the backward (acts_decide, acts_settle).
extern "C" int nmc_trainer_acts_kept(const nmc_trainer *t) { return t != nullptr && t->acts_kept ? 1 : 0; }
