#!/usr/bin/env python3
"""Golden data from the reference HF implementations, for the SDK's tests.

Run on a machine with transformers (NemotronH) and tokenizers installed:
    python3 tools/golden/make_goldens.py INPUT_DIR OUT_DIR
INPUT_DIR holds moby-dick.txt, gsm8k_test.jsonl, humaneval.jsonl, qwen3-tokenizer.json and
bpe-tokenizer.json (copies of the shared data and fixtures). Writes:
  OUT_DIR/tokenizer-corpus/{qwen3,bpe}.jsonl.gz  {"text", "ids"} for every text of the corpus
  OUT_DIR/models/<name>/  config.json, model.safetensors (F32), golden.safetensors
"""
import gzip, json, os, sys

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer


def corpus(inp):
    texts = []
    moby = open(os.path.join(inp, "moby-dick.txt"), encoding="utf-8").read()
    texts += [p for p in moby.split("\n\n") if p.strip()]          # every paragraph
    texts += [moby[i:i + 4096] for i in range(0, len(moby), 4096)]  # long windows, raw cuts
    for line in open(os.path.join(inp, "gsm8k_test.jsonl"), encoding="utf-8"):
        o = json.loads(line)
        texts.append(o["question"])
        texts.append(o["answer"])
    for line in open(os.path.join(inp, "humaneval.jsonl"), encoding="utf-8"):
        o = json.loads(line)
        texts.append(o["prompt"] + o["canonical_solution"])
    texts += [  # hand-made stress cases
        "", " ", "\n\n\n", "\t\tindented\n  mixed \r\n endings", "ÀÉÎÕÜ àéîõü ß ﬁ ﬀ ℌ Ⅻ ①",
        "日本語のテキスト、中文文本，한국어 텍스트", "emoji 👩‍👩‍👧‍👦 🇯🇵 👍🏽 and ZWJ",
        "numbers 1234567890 3.14159e-10 -0.5 1,000,000", "<think>\nreasoning\n</think>\nanswer",
        "x" * 500, "a b  c   d    e", "'s 're 've 'm 'll 'd THE'S", "tab\tafter\ttab", "ｆｕｌｌｗｉｄｔｈ",
    ]
    return texts


def tokenizer_goldens(inp, out):
    os.makedirs(os.path.join(out, "tokenizer-corpus"), exist_ok=True)
    texts = corpus(inp)
    for name in ("qwen3", "bpe"):
        tok = Tokenizer.from_file(os.path.join(inp, name + "-tokenizer.json"))
        path = os.path.join(out, "tokenizer-corpus", name + ".jsonl.gz")
        with gzip.open(path, "wt", encoding="utf-8") as f:
            for t in texts:
                ids = tok.encode(t, add_special_tokens=False).ids
                f.write(json.dumps({"text": t, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)},
                                   ensure_ascii=False) + "\n")
        print(name, len(texts), "texts", file=sys.stderr)


BASE = dict(vocab_size=300, hidden_size=48, num_attention_heads=4, num_key_value_heads=2, head_dim=12,
            intermediate_size=96, mamba_num_heads=4, mamba_head_dim=12, n_groups=2, ssm_state_size=8,
            conv_kernel=4, chunk_size=8, layer_norm_epsilon=1e-5, use_mamba_kernels=False,
            tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, pad_token_id=0, initializer_range=0.05)

MODELS = {
    # one SSM group, chunk 5, head_dim unrelated to hidden/heads, one KV head
    "g1-chunk5-kv1": dict(hybrid_override_pattern="M*-M-*M", n_groups=1, chunk_size=5, num_key_value_heads=1,
                          head_dim=20),
    # every bias on, conv kernel 3, 4 groups, wider state
    "biases-k3": dict(hybrid_override_pattern="M-*M-", use_bias=True, attention_bias=True, mlp_bias=True,
                      conv_kernel=3, n_groups=4, mamba_num_heads=8, mamba_head_dim=6, ssm_state_size=16,
                      chunk_size=16, hidden_size=40),
    # deeper, Nano-2-like alternation, odd sizes
    "deep-odd": dict(hybrid_override_pattern="M-M-M*-M-M*-M-", hidden_size=36, mamba_num_heads=6, mamba_head_dim=10,
                     n_groups=3, ssm_state_size=12, chunk_size=7, num_attention_heads=6, num_key_value_heads=3,
                     head_dim=8, intermediate_size=70, vocab_size=257),
}


def model_goldens(out):
    from transformers import NemotronHConfig, NemotronHForCausalLM
    for seed, (name, extra) in enumerate(MODELS.items()):
        torch.manual_seed(1000 + seed)
        kw = dict(BASE)
        kw.update(extra)
        cfg = NemotronHConfig(**kw)
        model = NemotronHForCausalLM(cfg).float().eval()
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n.endswith(".bias"):
                    p.uniform_(-0.1, 0.1)
        d = os.path.join(out, "models", name)
        model.save_pretrained(d, safe_serialization=True)
        m64 = model.double()
        g = {}
        gen = torch.Generator().manual_seed(7 + seed)
        for i, length in enumerate((1, 13, 40)):
            ids = torch.randint(0, cfg.vocab_size, (1, length), generator=gen)
            with torch.no_grad():
                o = m64(input_ids=ids, output_hidden_states=True)
            g[f"case{i}.input_ids"] = ids.clone()
            g[f"case{i}.logits"] = o.logits[0].float().contiguous()
            for j, h in enumerate(o.hidden_states):
                g[f"case{i}.hidden.{j}"] = h[0].float().contiguous()
        prompt = torch.randint(3, cfg.vocab_size, (1, 6), generator=gen)
        with torch.no_grad():
            cached = m64.generate(prompt, max_new_tokens=20, do_sample=False, use_cache=True,
                                  eos_token_id=None, pad_token_id=0)
            nocache = m64.generate(prompt, max_new_tokens=20, do_sample=False, use_cache=False,
                                   eos_token_id=None, pad_token_id=0)
        g["generate.prompt_ids"] = prompt.clone()
        g["generate.output_ids"] = cached[0].clone()
        g["generate.nocache_output_ids"] = nocache[0].clone()
        save_file(g, os.path.join(d, "golden.safetensors"))
        print(name, "cache==nocache:", bool(torch.equal(cached, nocache)), file=sys.stderr)


if __name__ == "__main__":
    inp, out = sys.argv[1], sys.argv[2]
    tokenizer_goldens(inp, out)
    model_goldens(out)
