// The SDK's ONNX export run by onnxruntime-node (the npm package of Microsoft's ONNX Runtime),
// against logits the SDK computed (NEMOTRON_CASES, written by OnnxRuntimeNodeTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const dir = process.env.NEMOTRON_EXPORT;
const cases = JSON.parse(readFileSync(process.env.NEMOTRON_CASES, 'utf8'));

function relErr(a, b) {
  assert.equal(a.length, b.length, 'lengths differ');
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i] - b[i]; num += d * d; den += b[i] * b[i]; }
  return Math.sqrt(num / den);
}

const ids = (list) => new ort.Tensor('int64', BigInt64Array.from(list.map(BigInt)), [1, list.length]);

test('onnxruntime-node version', () => {
  assert.equal(ort.env.versions.node, '1.30.0');
});

test('prefill.onnx: logits of every position equal the SDK, caches are named outputs', async () => {
  const s = await ort.InferenceSession.create(join(dir, 'prefill.onnx'));
  assert.deepEqual(s.inputNames, ['input_ids']);
  assert.ok(s.outputNames.includes('logits'));
  for (const name of cases.cacheOutputs) assert.ok(s.outputNames.includes(name), 'missing output ' + name);
  const out = await s.run({ input_ids: ids(cases.ids) });
  assert.deepEqual(out.logits.dims, [1, cases.ids.length, cases.vocab]);
  const err = relErr(out.logits.data, cases.logits);
  console.log(`prefill relative error ${err}`);
  assert.ok(err <= 1e-4, `prefill logits relative error ${err}`);
});

test('decode.onnx: one step from the prefill caches equals the SDK', async () => {
  const p = await ort.InferenceSession.create(join(dir, 'prefill.onnx'));
  const d = await ort.InferenceSession.create(join(dir, 'decode.onnx'));
  const pre = await p.run({ input_ids: ids(cases.ids) });
  const feeds = { input_ids: ids([cases.nextToken]) };
  for (const name of cases.cacheOutputs) {
    feeds[name.startsWith('present.') ? 'past.' + name.slice('present.'.length) : 'past_' + name] = pre[name];
  }
  const out = await d.run(feeds);
  assert.deepEqual(out.logits.dims, [1, 1, cases.vocab]);
  const err = relErr(out.logits.data, cases.nextLogits);
  console.log(`decode relative error ${err}`);
  assert.ok(err <= 1e-4, `decode logits relative error ${err}`);
});
