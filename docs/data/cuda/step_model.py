#!/usr/bin/env python3
"""Byte and launch model of the CUDA trainer's step outside the GEMMs, the scan and the attention
kernels (docs/training-step-model.md): every non-GEMM kernel and every fp32 -> BF16 conversion of
one BF16 training step (forward, then backward = per layer recompute + backward, then AdamW) of
nmc_train_bench's hybrid1b preset at sequence 4096, batch 1. `before`: the trainer of commit e2b25e2
(weights converted per GEMM, dy converted per GEMM, row sums in one thread per column); `after`:
this branch. Bytes are DRAM traffic (each tensor read or written once per pass, fp32 = 4 B, BF16 = 2 B);
ms = bytes / 3 TB/s, except kernels whose time is set by a serial loop (marked *), estimated as
steps x ~0.5 us (a dependent global load per step). Usage: python3 step_model.py"""

R, d, inner, H, G, N, K = 4096, 2048, 4096, 64, 8, 128, 4
cd = inner + 2 * G * N            # conv channels x | B | C = 6144
pw = inner + cd + H               # in_proj width z | xBC | dt = 10304
qw, kw = 32 * 64, 8 * 64          # q and k/v widths
qkv = qw + 2 * kw
mlp, V = 8192, 32000
nM, nA, nP = 11, 3, 11
piece = (64 << 20) // V // 64 * 64  # logits rows per head piece (a multiple of 64)
pieces = -(-R // piece)
BW = 3e12
LAT = 0.5e-6                      # one dependent global load

P_in, P_out = pw * d, d * inner
P_q, P_kv, P_o = qw * d, kw * d, d * qw
P_up, P_down = mlp * d, d * mlp
P_head = V * d
P_all = 856_469_568

def conv(n):                      # fp32 -> BF16: read 4, write 2
    return 6 * n

rows = []                         # (group, op, bytes_before, bytes_after, serial_before_s, serial_after_s, launches_before, launches_after)
def add(group, op, b, a, lb, la, sb=0.0, sa=0.0):
    rows.append((group, op, b, a, sb, sa, lb, la))

# ---- every layer (25): residual copy, the layer norm forward (forward + recompute) and backward
L = nM + nA + nP
add("all layers", "residual copy hs[i] -> hs[i+1] (forward)", 8 * R * d * L, 8 * R * d * L, L, L)
add("all layers", "rms_forward (forward + recompute)", 2 * 8 * R * d * L, 2 * 8 * R * d * L, 2 * L, 2 * L)
add("all layers", "rms_backward dx (+= dh)", 16 * R * d * L, 16 * R * d * L, L, L)
add("all layers", "rms_backward dw (row sum over 4096 rows)", 8 * R * d * L, 8 * R * d * L, L, L,
    sb=L * R * LAT / 4, sa=0)  # before: 8 blocks of 256 threads, 4096 rows in each thread (~4 loads in flight)

# ---- Mamba (11)
m = nM
add("mamba", "xn -> BF16 for in_proj (fwd, recompute, dW)", 3 * conv(R * d) * m, 2 * conv(R * d) * m, 3 * m, 2 * m)
add("mamba", "in_proj W -> BF16 (fwd, recompute, dX)", 3 * conv(P_in) * m, conv(P_in) * m, 3 * m, m)
add("mamba", "conv1d + silu forward (fwd, recompute)", 2 * 8 * R * cd * m, 2 * 8 * R * cd * m, 2 * m, 2 * m)
add("mamba", "dt forward (fwd, recompute)", 2 * 8 * R * H * m, 2 * 8 * R * H * m, 2 * m, 2 * m)
add("mamba", "gate y*silu(z) forward (fwd, recompute)", 2 * 12 * R * inner * m, 2 * 12 * R * inner * m, 2 * m, 2 * m)
add("mamba", "gated RMSNorm forward (fwd, recompute; after: writes mid in BF16)", 2 * 8 * R * inner * m,
    2 * 6 * R * inner * m, 2 * m, 2 * m)
add("mamba", "mid -> BF16 for out_proj (fwd, dW)", 2 * conv(R * inner) * m, 0, 2 * m, 0)
add("mamba", "out_proj W -> BF16 (fwd, dX)", 2 * conv(P_out) * m, conv(P_out) * m, 2 * m, m)
add("mamba", "dh -> BF16 for out_proj (dX, dW)", 2 * conv(R * d) * m, conv(R * d) * m, 2 * m, m)
add("mamba", "gated RMSNorm backward dx", 12 * R * inner * m, 12 * R * inner * m, m, m)
add("mamba", "gated RMSNorm backward dw (row sum)", 8 * R * inner * m, 8 * R * inner * m, m, m,
    sb=m * R * LAT / 4, sa=0)
add("mamba", "gate backward (dy, dz)", 20 * R * inner * m, 20 * R * inner * m, m, m)
add("mamba", "dt backward (draw, dt_bias row sum)", 12 * R * H * m, (12 + 4) * R * H * m, m, 2 * m,
    sb=m * R * LAT, sa=0)  # before: 64 threads, 4096 rows each
add("mamba", "conv1d backward (din, dw, dbias)", 12 * R * cd * m, 12 * R * cd * m, m, m,
    sb=m * R * 2 * LAT, sa=m * (R / 32) * 2 * LAT)  # before: one thread per channel over 4096 steps; after: 128 steps
add("mamba", "dproj -> BF16 for in_proj (dX, dW)", 2 * conv(R * pw) * m, conv(R * pw) * m, 2 * m, m)

# ---- attention (3): projections only (the flash kernels are measured on their own)
a = nA
add("attention", "xn -> BF16 for q, k, v (fwd, recompute, dW)", 9 * conv(R * d) * a, 2 * conv(R * d) * a, 9 * a, 2 * a)
add("attention", "q, k, v, o W -> BF16 (fwd, recompute, dX; o: fwd, dX)",
    (3 * conv(P_q + 2 * P_kv) + 2 * conv(P_o)) * a, conv(P_q + 2 * P_kv + P_o) * a, 11 * a, 4 * a)
add("attention", "mid -> BF16 for o_proj (fwd, dW)", 2 * conv(R * qw) * a, 2 * conv(R * qw) * a, 2 * a, 2 * a)
add("attention", "dh -> BF16 for o_proj (dX, dW)", 2 * conv(R * d) * a, conv(R * d) * a, 2 * a, a)
add("attention", "dq|dk|dv -> BF16 (strided: each converts ~all R x 3072)", 6 * conv(R * qkv) * a, 3 * conv(R * qkv) * a,
    6 * a, 3 * a)

# ---- MLP (11)
p = nP
add("mlp", "xn -> BF16 for up (fwd, recompute, dW)", 3 * conv(R * d) * p, 2 * conv(R * d) * p, 3 * p, 2 * p)
add("mlp", "up W -> BF16 (fwd, recompute, dX)", 3 * conv(P_up) * p, conv(P_up) * p, 3 * p, p)
add("mlp", "relu^2 forward (fwd, recompute; after: writes mid in BF16)", 2 * 8 * R * mlp * p, 2 * 6 * R * mlp * p,
    2 * p, 2 * p)
add("mlp", "mid -> BF16 for down (fwd, dW)", 2 * conv(R * mlp) * p, 0, 2 * p, 0)
add("mlp", "down W -> BF16 (fwd, dX)", 2 * conv(P_down) * p, conv(P_down) * p, 2 * p, p)
add("mlp", "dh -> BF16 for down (dX, dW)", 2 * conv(R * d) * p, conv(R * d) * p, 2 * p, p)
add("mlp", "relu^2 backward", 12 * R * mlp * p, 12 * R * mlp * p, p, p)
add("mlp", "dmid -> BF16 for up (dX, dW)", 2 * conv(R * mlp) * p, conv(R * mlp) * p, 2 * p, p)

# ---- head (pieces of `piece` rows; backward recomputes the logits)
add("head", "lm_head W -> BF16 (per piece: fwd; bwd fwd + dX)", 3 * pieces * conv(P_head), conv(P_head), 3 * pieces, 1)
add("head", "x -> BF16 (per piece: fwd; bwd fwd, dW)", 3 * conv(R * d), 3 * conv(R * d), 3 * pieces, 3 * pieces)
add("head", "cross-entropy (before: 3 reads; bwd 3 reads + fp32 write. after: 1 read; bwd 2 reads + BF16 write)",
    12 * R * V + 16 * R * V, 4 * R * V + 10 * R * V, 2 * pieces, 2 * pieces)
add("head", "dlogits -> BF16 (dX, dW: twice; after: written in BF16 by the cross-entropy)", 2 * conv(R * V), 0,
    2 * pieces, 0)
add("head", "final norm forward x2, backward", 2 * 8 * R * d + 24 * R * d, 2 * 8 * R * d + 24 * R * d, 4, 4)

# ---- optimizer
npar = 1 + L + nM * 8 + nA * 4 + nP * 2 + 2
add("optimizer", "grad norm: sum of squares (+ one host wait per tensor before)", 4 * P_all, 4 * P_all, npar, npar,
    sb=npar * 15e-6, sa=15e-6)
add("optimizer", "AdamW (p, g, m, v read; p, m, v written) + clear g", 32 * P_all, 32 * P_all, 2 * npar, 2 * npar)

def ms(b, s):
    return 1e3 * (b / BW + s)

def main():
    print("| group | op | bytes before | bytes after | est. ms before | est. ms after | launches before | launches after |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    tot = [0, 0, 0.0, 0.0, 0, 0]
    groups = {}
    for g, op, b, a_, sb, sa, lb, la in rows:
        mb, ma = ms(b, sb), ms(a_, sa)
        star = "*" if sb > 0 else ""
        print(f"| {g} | {op} | {b / 1e9:.2f} GB | {a_ / 1e9:.2f} GB | {mb:.2f}{star} | {ma:.2f} | {lb} | {la} |")
        for i, v in enumerate((b, a_, mb, ma, lb, la)):
            tot[i] += v
        gg = groups.setdefault(g, [0.0, 0.0])
        gg[0] += mb
        gg[1] += ma
    print(f"| **total** | | **{tot[0] / 1e9:.1f} GB** | **{tot[1] / 1e9:.1f} GB** | **{tot[2]:.1f}** | **{tot[3]:.1f}** | **{tot[4]}** | **{tot[5]}** |")
    print()
    print("| group | est. ms before | est. ms after |")
    print("|---|---:|---:|")
    for g, (b, a_) in groups.items():
        print(f"| {g} | {b:.1f} | {a_:.1f} |")

if __name__ == "__main__":
    main()
