#!/usr/bin/env python3
"""Checks an ONNX export of the Nemotron SDK with tools no one here wrote (docs/onnx.md).

1. onnx.checker.check_model(path, full_check=True) on prefill.onnx and decode.onnx
   (full_check also runs ONNX shape inference);
2. Python onnxruntime runs prefill.onnx and its logits are compared with reference logits:
   the golden cases of a fixture (--golden golden.safetensors: caseI.input_ids, caseI.logits),
   or one prompt (--ids ids.json --logits logits.npy|logits.json, logits [T, vocab]);
3. one decode.onnx step fed with the prefill's caches must give the logits the prefill gives
   for the same token (prefill over the prompt plus that token).

Needs: pip install onnx onnxruntime numpy (onnxruntime-gpu for the CUDA provider).
Exit status 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np


def read_safetensors(path):
    """The tensors of a safetensors file as numpy arrays (F32 and I64 only)."""
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, info in header.items():
            if name == '__metadata__':
                continue
            dtype = {'F32': np.float32, 'I64': np.int64}.get(info['dtype'])
            if dtype is None:
                continue
            start, end = info['data_offsets']
            f.seek(base + start)
            out[name] = np.frombuffer(f.read(end - start), dtype=dtype).reshape(info['shape'])
        return out


def rel_err(a, b):
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('export', help='the export directory (prefill.onnx, decode.onnx, weights.bin)')
    ap.add_argument('--golden', help='a fixture golden.safetensors (caseI.input_ids, caseI.logits)')
    ap.add_argument('--ids', help='JSON list of token ids')
    ap.add_argument('--logits', help='reference logits [T, vocab] for --ids (.npy or JSON)')
    ap.add_argument('--tolerance', type=float, default=1e-4, help='relative error bound (default 1e-4)')
    args = ap.parse_args()

    import onnx
    import onnxruntime as ort

    failed = False
    for name in ('prefill.onnx', 'decode.onnx'):
        path = os.path.join(args.export, name)
        onnx.checker.check_model(path, full_check=True)
        print(f'onnx.checker (full_check): {name} OK (onnx {onnx.__version__})')

    providers = [p for p in ('CUDAExecutionProvider', 'CPUExecutionProvider') if p in ort.get_available_providers()]
    prefill = ort.InferenceSession(os.path.join(args.export, 'prefill.onnx'), providers=providers)
    decode = ort.InferenceSession(os.path.join(args.export, 'decode.onnx'), providers=providers)
    print(f'onnxruntime {ort.__version__}, providers {prefill.get_providers()}')

    cases = []
    if args.golden:
        g = read_safetensors(args.golden)
        i = 0
        while f'case{i}.input_ids' in g:
            cases.append((f'case{i}', g[f'case{i}.input_ids'].reshape(-1), g[f'case{i}.logits']))
            i += 1
    if args.ids:
        with open(args.ids) as f:
            ids = np.array(json.load(f), dtype=np.int64)
        ref = np.load(args.logits) if args.logits.endswith('.npy') else np.array(json.load(open(args.logits)), dtype=np.float32)
        cases.append(('prompt', ids, ref))
    if not cases:
        print('error: no reference logits: pass --golden FILE or --ids FILE --logits FILE', file=sys.stderr)
        return 2

    outputs = [o.name for o in prefill.get_outputs()]
    for label, ids, ref in cases:
        out = prefill.run(None, {'input_ids': ids.reshape(1, -1)})
        logits = out[outputs.index('logits')][0]
        err = rel_err(logits, ref.reshape(logits.shape))
        ok = err <= args.tolerance
        failed |= not ok
        print(f'{label}: prefill logits of {len(ids)} tokens, relative error {err:.3e} {"OK" if ok else "FAIL"}')
        if len(ids) >= 2:
            # decode the last token from the caches of the others: equals the prefill's last row
            pre = prefill.run(None, {'input_ids': ids[:-1].reshape(1, -1)})
            feeds = {'input_ids': ids[-1:].reshape(1, 1)}
            for name, value in zip(outputs, pre):
                if name != 'logits':
                    feeds['past.' + name[len('present.'):] if name.startswith('present.') else 'past_' + name] = value
            step = decode.run(['logits'], feeds)[0][0, 0]
            err = rel_err(step, logits[-1])
            ok = err <= args.tolerance
            failed |= not ok
            print(f'{label}: decode step vs prefill, relative error {err:.3e} {"OK" if ok else "FAIL"}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
