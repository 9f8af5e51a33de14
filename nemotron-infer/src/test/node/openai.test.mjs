// The official openai npm client against a running Nemotron server. OpenAiNodeClientTest starts
// the server (a scripted model over the tokenizer-bpe fixture) and runs this with
//   NEMOTRON_BASE_URL  http://127.0.0.1:PORT
//   NEMOTRON_API_KEY   the server's API key
//   NEMOTRON_MODEL     the served model id
// The scripted model thinks "Let me think.\n" twice, then answers "The answer is 42.".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.NEMOTRON_BASE_URL;
const model = process.env.NEMOTRON_MODEL;
assert.ok(baseURL, 'NEMOTRON_BASE_URL must be set');
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: process.env.NEMOTRON_API_KEY, maxRetries: 0 });

const REASONING = 'Let me think.\nLet me think.\n';
const ANSWER = 'The answer is 42.';

test('models.list names the served model', async () => {
  const ids = [];
  for await (const m of client.models.list()) {
    ids.push(m.id);
  }
  assert.deepEqual(ids, [model]);
});

test('models.retrieve answers the served model, NotFoundError for another', async () => {
  const m = await client.models.retrieve(model);
  assert.equal(m.id, model);
  assert.equal(m.object, 'model');
  await assert.rejects(client.models.retrieve('gpt-9'), (e) => e instanceof OpenAI.NotFoundError && e.status === 404);
});

test('chat completion: content and reasoning_content apart', async () => {
  const r = await client.chat.completions.create({
    model,
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'What is 6*7?' }],
    temperature: 0,
    max_completion_tokens: 200,
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.choices[0].message.content, ANSWER);
  assert.equal(r.choices[0].message.reasoning_content, REASONING);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.ok(r.usage.completion_tokens_details.reasoning_tokens > 0);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
});

test('chat completion streamed: reasoning deltas, then content deltas, then usage', async () => {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 6*7?' }] }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let reasoning = '';
  let content = '';
  let role;
  let finish;
  let usage;
  for await (const chunk of stream) {
    if (chunk.usage) {
      usage = chunk.usage;
    }
    for (const choice of chunk.choices) {
      role ??= choice.delta.role;
      if (choice.delta.reasoning_content) {
        assert.equal(content, '', 'reasoning after content');
        reasoning += choice.delta.reasoning_content;
      }
      content += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
  }
  assert.equal(role, 'assistant');
  assert.equal(reasoning, REASONING);
  assert.equal(content, ANSWER);
  assert.equal(finish, 'stop');
  assert.ok(usage.completion_tokens > 0);
});

test('thinking off and the thinking-budget extension pass through the client', async () => {
  const off = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'What is 6*7? /no_think' }],
  });
  assert.equal(off.choices[0].message.content, ANSWER);
  assert.equal(off.choices[0].message.reasoning_content, null);
  const budget = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'What is 6*7?' }],
    max_thinking_tokens: 0,
  });
  assert.equal(budget.choices[0].message.reasoning_content, '');
  assert.equal(budget.choices[0].message.content, ANSWER);
});

test('completions', async () => {
  const r = await client.completions.create({ model, prompt: 'Q: 6*7? A:', max_tokens: 50, echo: true });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices[0].text, 'Q: 6*7? A:' + ANSWER);
  const stream = await client.completions.create({ model, prompt: 'Q:', max_tokens: 50, stream: true });
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? '';
  }
  assert.equal(text, ANSWER);
});

test('a malformed request is an APIError with status 400, and the server keeps serving', async () => {
  await assert.rejects(
    client.chat.completions.create({ model, messages: [{ role: 'wizard', content: 'hi' }] }),
    (e) => {
      assert.ok(e instanceof OpenAI.APIError, `not an APIError: ${e}`);
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.status, 400);
      assert.equal(e.error?.param ?? e.param, 'messages[0].role');
      assert.match(e.message, /unknown role/);
      return true;
    },
  );
  await assert.rejects(
    client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], top_p: 7 }),
    (e) => e instanceof OpenAI.APIError && e.status === 400,
  );
  const bad = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'wrong-key', maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
  const again = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(again.choices[0].message.content, ANSWER);
});
