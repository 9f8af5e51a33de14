#!/usr/bin/env python3
"""Loads a pruned (or merged) model directory with HF transformers' own NemotronH and prints its
logits: the check that a checkpoint written by `nemotron compress prune` / `nemotron merge` has the
shapes and config HF expects. Needs torch and transformers with NemotronH (>= 4.56); no remote code.

    python3 tools/hf_check_pruned.py DIR --ids 1,17,250,3 [--sdk SDK.safetensors] [--tol 1e-4]

Exit status 0 only when transformers reports no missing, unexpected or mismatched tensors and,
with --sdk (the output of `nemotron forward --model DIR --ids ... --out SDK.safetensors`), the
SDK's logits agree with HF's within --tol (max |diff| / max |HF logit|).
Prints one JSON object: config summary, loading info, logits shape, the first values of the last
row, and the comparison.
"""
import argparse
import json
import sys

import torch
from transformers import AutoConfig, AutoModelForCausalLM


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--ids", required=True, help="comma-separated token ids")
    ap.add_argument("--sdk", help="safetensors written by `nemotron forward` (tensor 'logits') to compare with")
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    ids = [int(x) for x in args.ids.split(",")]

    config = AutoConfig.from_pretrained(args.dir, trust_remote_code=False)
    model, info = AutoModelForCausalLM.from_pretrained(
        args.dir, trust_remote_code=False, torch_dtype=torch.float32, output_loading_info=True)
    model.eval()
    with torch.no_grad():
        # use_cache=False: the installed transformers cannot size a cache for a model whose layers
        # are all Mamba/MLP (get_seq_length needs an attention layer), which depth pruning can give
        logits = model(torch.tensor([ids]), use_cache=False).logits[0].float()

    problems = {k: [str(x) for x in v] for k, v in info.items() if v}
    out = {
        "dir": args.dir,
        "model_type": config.model_type,
        "num_hidden_layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
        "intermediate_size": getattr(config, "intermediate_size", None),
        "mamba_num_heads": getattr(config, "mamba_num_heads", None),
        "n_groups": getattr(config, "n_groups", None),
        "num_attention_heads": getattr(config, "num_attention_heads", None),
        "parameters": sum(p.numel() for p in model.parameters()),
        "loading_problems": problems,
        "logits_shape": list(logits.shape),
        "last_row_first_values": [round(v, 6) for v in logits[-1, :8].tolist()],
        "finite": bool(torch.isfinite(logits).all()),
    }
    ok = not problems and out["finite"]
    if args.sdk:
        from safetensors.torch import load_file
        sdk = load_file(args.sdk)["logits"].float().reshape(logits.shape)
        err = ((sdk - logits).abs().max() / logits.abs().max().clamp_min(1e-30)).item()
        out["sdk_relative_max_error"] = err
        out["sdk_agrees"] = err <= args.tol
        ok = ok and err <= args.tol
    out["ok"] = ok
    print(json.dumps(out, indent=2))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
