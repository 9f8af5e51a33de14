// Reads token shards written by the Java data pipeline with the apache-arrow npm package and
// compares them with the documents the Java test wrote (run by ArrowNodeInteropTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, RecordBatchFileReader, Type } from 'apache-arrow';

const dir = process.env.NEMOTRON_DATASET;
const expected = JSON.parse(readFileSync(process.env.NEMOTRON_EXPECTED, 'utf8'));
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

test('the manifest lists every shard', () => {
  assert.equal(manifest.format, 'nemotron-token-shard/1');
  assert.equal(manifest.documents, expected.documents.length);
  assert.ok(manifest.shards.length > 1, 'the test dataset spans several shards');
});

test('the schema is tokens: List<Int32> with the nemotron metadata', () => {
  const table = tableFromIPC(readFileSync(join(dir, manifest.shards[0].file)));
  assert.equal(table.schema.fields.length, 1);
  const field = table.schema.fields[0];
  assert.equal(field.name, 'tokens');
  assert.equal(field.type.typeId, Type.List);
  assert.equal(field.type.children[0].type.typeId, Type.Int);
  assert.equal(field.type.children[0].type.bitWidth, 32);
  assert.equal(field.type.children[0].type.isSigned, true);
  assert.equal(table.schema.metadata.get('nemotron.source'), expected.name);
  assert.equal(table.schema.metadata.get('nemotron.vocab_size'), String(expected.vocab_size));
  assert.equal(table.schema.metadata.get('nemotron.format'), 'nemotron-token-shard/1');
});

test('every document has the tokens Java wrote, in order, across shards and record batches', () => {
  const docs = [];
  let batches = 0;
  for (const shard of manifest.shards) {
    const reader = RecordBatchFileReader.from(readFileSync(join(dir, shard.file)));
    let rows = 0;
    for (const batch of reader) {
      batches++;
      const col = batch.getChildAt(0);
      for (let i = 0; i < batch.numRows; i++) {
        docs.push(Array.from(col.get(i).toArray()));
        rows++;
      }
    }
    assert.equal(rows, shard.documents, shard.file);
  }
  assert.ok(batches > manifest.shards.length, 'several record batches per shard');
  assert.equal(docs.length, expected.documents.length);
  for (let i = 0; i < docs.length; i++) {
    assert.deepEqual(docs[i], expected.documents[i], `document ${i}`);
  }
});
