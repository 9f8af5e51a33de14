// Greedy decoding with llama.cpp (node-llama-cpp 3.21.1, its prebuilt CPU binaries; never builds
// or downloads anything). Prints one JSON line:
//   {"ids": [...generated token ids...], "tokens": [...ids of --text...], "n_vocab": V, "arch": "..."}
// Usage: node greedy.mjs FILE.gguf PROMPT_IDS(comma-separated) N [TEXT]
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const [file, promptCsv, nText, text] = process.argv.slice(2);
if (!file || !promptCsv || !nText) {
  console.error('usage: node greedy.mjs FILE.gguf PROMPT_IDS N [TEXT]');
  process.exit(2);
}
const prompt = promptCsv.split(',').map((s) => Number.parseInt(s, 10));
const n = Number.parseInt(nText, 10);
const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: file });
const context = await model.createContext({ contextSize: Math.max(256, prompt.length + n + 8), threads: 2 });
const sequence = context.getSequence();
const ids = [];
for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
  ids.push(token);
  if (ids.length >= n) {
    break;
  }
}
const out = { ids, n_vocab: model.tokens.count ?? null, arch: model.fileInfo?.metadata?.general?.architecture ?? null };
if (text !== undefined) {
  out.tokens = model.tokenize(text, false);
}
console.log(JSON.stringify(out));
await context.dispose();
await model.dispose();
await llama.dispose();
