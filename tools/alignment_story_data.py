#!/usr/bin/env python3
"""Story/chat data for the merge sweep (docs/alignment.md, "Merging: the trade-off at small scale").

Splits a text (Moby-Dick) into words; the first 90 % become chat turns for `nemotron sft`
(user: "Continue the story:" + 24 words, assistant: the next 48 words, no reasoning), the last
10 % become held-out passages (context 24 words, text 48 words) for the story loss task.
    tools/alignment_story_data.py TEXT TRAIN.jsonl HELDOUT.jsonl [N_HELDOUT]
"""
import json
import sys

CONTEXT, CONT = 24, 48


def windows(words):
    step = CONTEXT + CONT
    for i in range(0, len(words) - step + 1, step):
        yield " ".join(words[i:i + CONTEXT]), " ".join(words[i + CONTEXT:i + step])


def main():
    text, train, held = sys.argv[1:4]
    n_held = int(sys.argv[4]) if len(sys.argv) > 4 else 60
    with open(text, encoding="utf-8") as f:
        words = f.read().split()
    cut = int(len(words) * 0.9)
    with open(train, "w", encoding="utf-8") as out:
        for ctx, cont in windows(words[:cut]):
            out.write(json.dumps({"messages": [
                {"role": "user", "content": "Continue the story:\n" + ctx},
                {"role": "assistant", "content": cont}]}, ensure_ascii=False) + "\n")
    with open(held, "w", encoding="utf-8") as out:
        for k, (ctx, cont) in enumerate(windows(words[cut:])):
            if k >= n_held:
                break
            out.write(json.dumps({"context": ctx, "text": cont}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
