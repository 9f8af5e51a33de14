// The official openai npm client reading tool calls. OpenAiNodeClientTest starts a server whose
// scripted model thinks "Let me think.\n" once, then answers with a Nemotron Nano 2 call block:
//   <TOOLCALL>[{"name": "get_weather", "arguments": {"city": "Paris"}}]</TOOLCALL>
// Environment as for openai.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.NEMOTRON_BASE_URL;
const model = process.env.NEMOTRON_MODEL;
assert.ok(baseURL, 'NEMOTRON_BASE_URL must be set');
const client = new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: process.env.NEMOTRON_API_KEY, maxRetries: 0 });

const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];
const messages = [{ role: 'user', content: 'Weather in Paris?' }];

test('tool calls come back as message.tool_calls with finish_reason tool_calls', async () => {
  const r = await client.chat.completions.create({ model, messages, tools, temperature: 0 });
  const m = r.choices[0].message;
  assert.equal(r.choices[0].finish_reason, 'tool_calls');
  assert.equal(m.content, null);
  assert.equal(m.tool_calls.length, 1);
  assert.equal(m.tool_calls[0].type, 'function');
  assert.ok(m.tool_calls[0].id.startsWith('call_'));
  assert.equal(m.tool_calls[0].function.name, 'get_weather');
  assert.deepEqual(JSON.parse(m.tool_calls[0].function.arguments), { city: 'Paris' });
});

test('streamed tool calls assemble through the client helper', async () => {
  const runner = client.chat.completions.stream({ model, messages, tools, temperature: 0 });
  let content = '';
  runner.on('content', (delta) => { content += delta; });
  const final = await runner.finalChatCompletion();
  assert.equal(content, '');
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  const call = final.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
});

test('the call answered by a tool turn renders and answers again', async () => {
  const first = await client.chat.completions.create({ model, messages, tools, temperature: 0 });
  const call = first.choices[0].message.tool_calls[0];
  const second = await client.chat.completions.create({
    model,
    tools,
    messages: [...messages, first.choices[0].message,
      { role: 'tool', tool_call_id: call.id, content: '{"temp_c": 21}' }],
  });
  assert.equal(second.choices[0].message.tool_calls[0].function.name, 'get_weather');
});
