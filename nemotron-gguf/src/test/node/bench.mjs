// llama.cpp throughput through node-llama-cpp 3.21.1 (prebuilt CPU binaries only), the peer of
// `nemotron bench`: prompt processing of ISL random tokens, then greedy decode of OSL tokens, at
// batch 1 and with B sequences decoding concurrently (node-llama-cpp batches the sequences of one
// context into one llama_decode per step). Prints one JSON line.
// Usage: node bench.mjs FILE.gguf ISL OSL BATCH THREADS [SEED]
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const [file, islText, oslText, batchText, threadsText, seedText] = process.argv.slice(2);
const isl = Number(islText), osl = Number(oslText), batch = Number(batchText), threads = Number(threadsText);
let seed = Number(seedText ?? 0) >>> 0;
const rand = () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };

const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error, maxThreads: threads });
const model = await llama.loadModel({ modelPath: file });
const vocab = model.tokens.count ?? 256;
const eog = new Set([model.tokens.eos, model.tokens.eot, model.tokens.eom].filter((t) => t != null));
const context = await model.createContext({ contextSize: batch * (isl + osl + 16), sequences: batch, threads, batchSize: isl });
const prompt = () => Array.from({ length: isl }, () => { let t; do { t = Math.floor(rand() * Math.min(vocab, 256)); } while (eog.has(t)); return t; });

const sequences = Array.from({ length: batch }, () => context.getSequence());
// 1. prompt processing: each sequence's prompt, one after another (as nemotron bench does)
let t0 = performance.now();
for (const s of sequences) {
  await s.evaluateWithoutGeneratingNewTokens(prompt());
}
const prefillSeconds = (performance.now() - t0) / 1000;
// 2. decode: every sequence generates osl tokens, concurrently
t0 = performance.now();
const counts = await Promise.all(sequences.map(async (s) => {
  let count = 0;
  let next = Math.floor(rand() * Math.min(vocab, 256));
  while (count < osl) {
    for await (const t of s.evaluate([next], { temperature: 0, yieldEogToken: true })) {
      count++;
      next = t;
      if (count >= osl || eog.has(t)) break;
    }
  }
  return count;
}));
const decodeSeconds = (performance.now() - t0) / 1000;
const generated = counts.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({
  runtime: 'llama.cpp (node-llama-cpp 3.21.1, prebuilt CPU)', file, isl, osl, batch, threads,
  prefill_tokens_per_s: (batch * isl) / prefillSeconds,
  decode_tokens_per_s: generated / decodeSeconds,
  decode_step_ms: (decodeSeconds * 1000) / osl,
}));
await context.dispose();
await model.dispose();
await llama.dispose();
