#!/usr/bin/env python3
"""The FP8 lm_head's accuracy trade on the fixtures' HF goldens, on the CPU (numpy only).

For each fixture: W = lm_head.weight [vocab, hidden] rounded to BF16 (the device quantises its BF16
copy); every golden position's normed hidden state x recovered from HF's logits by least squares
(logits = x W^T; the residual is printed); then, with x rounded to BF16 as the device feeds it:
  bf16 head:  x . W^T
  fp8 head:   x . (Q * scale)^T, Q = E4M3(W / scale) rounded to nearest even and saturating,
              scale = amax / 448 per output channel or per 128 x 128 block (kernels/fp8.cu)
and per fixture and layout: the worst max |fp8 - bf16| over that position's logit range, the
relative error ||fp8 - bf16|| / ||bf16||, and top-1 agreement. The fixtures are small models with
random weights: this says how E4M3 moves logits, not what a trained model loses.

usage: tools/fp8_lm_head_trade.py [FIXTURE_DIR ...]
"""
import json
import struct
import sys
from pathlib import Path

import numpy as np

DEFAULT = ["tiny-nemotron-h-a", "tiny-nemotron-h-a-bf16", "hf-more/g1-chunk5-kv1", "hf-more/biases-k3", "hf-more/deep-odd"]
ROOT = Path(__file__).resolve().parent.parent / "nemotron-testing/src/main/resources/fixtures"


def read_safetensors(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, v in header.items():
        if name == "__metadata__":
            continue
        a, b = v["data_offsets"]
        buf = raw[8 + n + a:8 + n + b]
        if v["dtype"] == "F32":
            t = np.frombuffer(buf, "<f4")
        elif v["dtype"] == "BF16":
            t = (np.frombuffer(buf, "<u2").astype(np.uint32) << 16).view(np.float32)
        elif v["dtype"] == "I64":
            t = np.frombuffer(buf, "<i8")
        else:
            continue
        out[name] = t.reshape(v["shape"])
    return out


def bf16(x):
    """float32 -> the nearest BF16 (ties to even), as float32."""
    u = np.ascontiguousarray(x, np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) >> 16 << 16
    return u.astype(np.uint32).view(np.float32)


def e4m3(x):
    """float32 -> the nearest E4M3 value (ties to even, saturating at 448; subnormals 2^-9 apart)."""
    a = np.abs(x.astype(np.float64))
    e = np.floor(np.log2(np.maximum(a, 2.0 ** -20)))
    step = 2.0 ** (np.maximum(e, -6) - 3)
    r = np.minimum(np.round(a / step) * step, 448.0)
    return np.where(x < 0, -r, r)


def e4m3_codes():
    """Every finite E4M3 value (as the self-test's e4m3_value decodes the codes)."""
    vals = []
    for c in range(256):
        if c & 0x7F == 0x7F:
            continue
        e, m = (c >> 3) & 15, c & 7
        v = np.ldexp(m / 8.0, -6) if e == 0 else np.ldexp(1.0 + m / 8.0, e - 7)
        vals.append(-v if c & 0x80 else v)
    return np.array(vals)


def quantize(w, block):
    """Q * scale of w [out, in] (float32), per channel (block 0) or block x block scales."""
    out, inn = w.shape
    if block == 0:
        scale = np.abs(w).max(axis=1, keepdims=True).astype(np.float32) / np.float32(448)
        scale[scale == 0] = 1
        return (e4m3(w / scale) * scale).astype(np.float64)
    d = np.empty((out, inn))
    for o in range(0, out, block):
        for i in range(0, inn, block):
            t = w[o:o + block, i:i + block]
            s = np.float32(np.abs(t).max()) / np.float32(448) if np.abs(t).max() > 0 else np.float32(1)
            d[o:o + block, i:i + block] = e4m3((t / s).astype(np.float32)) * s
    return d


def main():
    v = e4m3_codes()
    assert np.array_equal(e4m3(v.astype(np.float32)), v), "e4m3 rounding does not keep the E4M3 values"
    for fixture in sys.argv[1:] or DEFAULT:
        d = ROOT / fixture if not Path(fixture).is_dir() else Path(fixture)
        model = {}
        for f in sorted(d.glob("*.safetensors")):
            if f.name != "golden.safetensors":
                model.update(read_safetensors(f))
        g = read_safetensors(d / "golden.safetensors")
        w = bf16(model["lm_head.weight"].astype(np.float32))
        logits = [g[k].reshape(-1, w.shape[0]) for k in sorted(g) if k.endswith(".logits")]
        hf = np.concatenate(logits).astype(np.float64)
        x, *_ = np.linalg.lstsq(model["lm_head.weight"].astype(np.float64), hf.T, rcond=None)
        x = x.T
        resid = np.linalg.norm(x @ model["lm_head.weight"].astype(np.float64).T - hf) / np.linalg.norm(hf)
        xb = bf16(x.astype(np.float32)).astype(np.float64)
        ref = xb @ w.astype(np.float64).T
        for block in (0, 128):
            got = xb @ quantize(w, block).T
            rng = ref.max(axis=1) - ref.min(axis=1)
            worst = (np.abs(got - ref).max(axis=1) / rng).max()
            rel = np.linalg.norm(got - ref) / np.linalg.norm(ref)
            agree = int((got.argmax(axis=1) == ref.argmax(axis=1)).sum())
            print(f"{fixture} ({w.shape[0]} x {w.shape[1]}, {hf.shape[0]} positions, x recovered to {resid:.1e}) "
                  f"{'block 128' if block else 'per channel'}: max |fp8 - bf16| {worst:.4f} of the logit range, "
                  f"rel. error {rel:.4f}, top-1 agreement {agree}/{hf.shape[0]}")


if __name__ == "__main__":
    main()
