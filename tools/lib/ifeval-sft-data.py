#!/usr/bin/env python3
"""SFT data for the IFEval-style GRPO experiment (tools/alignment-rl.sh, docs/alignment.md).

Writes N chat examples {"messages": [user, assistant]} whose user turn asks for a short text about a
topic with one or two IFEval-style instructions, phrased as in examples/data/ifeval-prompts.jsonl,
and whose assistant turn follows them (built from a few sentence templates). The topics are NOT
those of examples/data/ifeval-prompts.jsonl, so the GRPO prompts are new to the model. Without an
instruction the default style has capitals, commas and "very", so each instruction changes the text.

    ifeval-sft-data.py OUT.jsonl N SEED
"""
import json
import random
import sys

TOPICS = ["a boat", "the desert", "a bridge", "tea", "a dog", "autumn", "a castle", "the ocean floor", "a candle",
          "a market", "the harbor", "a violin", "a kite", "a pond", "a road", "a train station", "cheese", "a bird",
          "a school", "the spring", "a window", "a farm", "a park", "a ship", "soup", "a tree", "a village", "a lamp"]
ASKS = ["Describe {t}.", "Write a short note about {t}.", "Tell me one fact about {t}.", "Write two lines about {t}.",
        "Explain why people like {t}."]
SENTENCES = ["{T} is quiet in the morning, and it is very calm.", "Many people visit {t} on a warm day.",
             "{T} has a long story, and people remember it.", "I think {t} is really nice to see.",
             "You can find {t} in many places.", "{T} looks different in the evening light."]
PLAIN = ["{T} is quiet in the morning and it is calm.", "Many people visit {t} on a warm day.",
         "{T} has a long story that people remember.", "I think {t} is nice to see.",
         "You can find {t} in many places.", "{T} looks different in the evening light."]
END_PHRASES = ["That is all.", "Is there anything else?"]
START_PHRASES = ["Sure", "Here it is"]


def word(t):
    return t.split()[-1]


def base(rng, t, n, plain):
    pool = PLAIN if plain else SENTENCES
    T = t[0].upper() + t[1:]
    return " ".join(s.format(t=t, T=T) for s in rng.sample(pool, n))


# each instruction: (prompt text, transform of (sentences count, plain flag), post-processing of the text)
def instructions(rng, t):
    w = word(t)
    end = rng.choice(END_PHRASES)
    start = rng.choice(START_PHRASES)
    n = rng.choice([20, 30])
    return {
        "capital": ("Write everything in capital letters.", None, lambda s: s.upper(), {}),
        "lower": ("Use only lowercase letters.", None, lambda s: s.lower(), {}),
        "keyword": (f'Include the word "{w}".', None, lambda s: s if w in s else s + f" I like the {w}.", {"keywords": [w]}),
        "end": (f'End your answer with the exact phrase "{end}".', None, lambda s: s + " " + end, {"end_phrase": end}),
        "start": (f'Start your answer with "{start}".', None, lambda s: start + ". " + s, {"start_phrase": start}),
        "quote": ("Wrap your entire answer in double quotation marks.", None, lambda s: '"' + s + '"', {}),
        "short": (f"Answer in less than {n} words.", 1, None, {"relation": "less than", "num_words": n}),
        "nocomma": ("Do not use any commas.", "plain", lambda s: s.replace(",", ""), {}),
        "forbid": ('Do not use the words "very" or "really".', "plain", None, {"forbidden_words": ["very", "really"]}),
        "ps": ("At the end of your answer, add a postscript starting with P.S.", None,
               lambda s: s + "\nP.S. Thank you for asking.", {"postscript_marker": "P.S."}),
        "highlight": ("Highlight at least 1 part of your answer with markdown, i.e. *highlighted part*.", None,
                      lambda s: s.replace(w, "*" + w + "*", 1) if w in s else "*" + s + "*", {"num_highlights": 1}),
        "yesno": ('Answer with one of the following options: "My answer is yes.", "My answer is no.", '
                  '"My answer is maybe.".', None, lambda s: "My answer is yes.", {}),
    }


CONFLICTS = [{"capital", "lower"}, {"quote", "end"}, {"quote", "ps"}, {"ps", "end"}, {"start", "quote"}]
IDS = {"capital": "change_case:english_capital", "lower": "change_case:english_lowercase",
       "keyword": "keywords:existence", "end": "startend:end_checker", "start": "startend:start_checker",
       "quote": "startend:quotation", "short": "length_constraints:number_words", "nocomma": "punctuation:no_comma",
       "forbid": "keywords:forbidden_words", "ps": "detectable_content:postscript",
       "highlight": "detectable_format:number_highlighted_sections",
       "yesno": "detectable_format:constrained_response"}


def example(rng):
    t = rng.choice(TOPICS)
    table = instructions(rng, t)
    keys = rng.sample(sorted(table), rng.choice([0, 1, 1, 2]))
    if "yesno" in keys or any({a, b} in CONFLICTS for a in keys for b in keys):
        keys = keys[:1]
    sentences, plain = 2, False
    for k in keys:
        if table[k][1] == 1:
            sentences = 1
        elif table[k][1] == "plain":
            plain = True
    text = base(rng, t, sentences, plain)
    # case changes last but before quoting/phrases that the checkers compare case-insensitively
    order = ["keyword", "highlight", "nocomma", "forbid", "short", "yesno", "start", "end", "ps", "capital", "lower",
             "quote"]
    for k in sorted(keys, key=order.index):
        f = table[k][2]
        if f:
            text = f(text)
    prompt = " ".join([rng.choice(ASKS).format(t=t)] + [table[k][0] for k in keys])
    return {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": text}],
            "instruction_id_list": [IDS[k] for k in keys], "kwargs": [table[k][3] for k in keys]}


def main():
    out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    with open(out, "w") as f:
        for _ in range(n):
            f.write(json.dumps(example(rng)) + "\n")
    print(f"wrote {out}: {n} instruction-following examples, seed {seed}")


if __name__ == "__main__":
    main()
