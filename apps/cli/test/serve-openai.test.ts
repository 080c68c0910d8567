// `llmf serve` driven by the official `openai` npm client over real HTTP on 127.0.0.1. Generated text is
// checked against PyTorch's greedy ids (fixtures/models/gpt2-tiny/expected.json) and against the runtime's
// own generate() with the same options; chat prompts against a hand-rendered template.

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LLM } from '../src/runtime';
import type { LlmServer } from '../src/serve/server';
import { chatModelDir, expected, loadChatTemplate, loadFixture, serve } from './serve-harness';

let llm: LLM;
let server: LlmServer;
let client: OpenAI;
const chat = chatModelDir();

beforeAll(async () => {
  llm = await loadFixture(chat.dir);
  server = await serve(llm, { chatTemplate: loadChatTemplate(chat.dir, 'chat fixture') });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
  llm?.dispose();
  chat.remove();
});

/** What the runtime itself generates for these ids and options. */
async function direct(ids: number[], o: Parameters<LLM['generate']>[1]): Promise<string> {
  let text = '';
  for await (const token of llm.generate(ids, o)) text += token.text;
  return text;
}

const greedyText = () => llm.tokenizer.decode(expected.greedy_ids);

describe('llmf serve with the openai client', () => {
  test('models.list names the served model', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['gpt2-tiny']);
    const one = await client.models.retrieve('gpt2-tiny');
    expect(one.id).toBe('gpt2-tiny');
  });

  test('a greedy completion reproduces PyTorch greedy ids, with usage and finish_reason "length"', async () => {
    const r = await client.completions.create({
      model: 'gpt2-tiny',
      prompt: expected.prompt,
      max_tokens: expected.greedy_ids.length,
      temperature: 0,
    });
    expect(r.object).toBe('text_completion');
    expect(r.id).toMatch(/^cmpl-/);
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0]!.text).toBe(greedyText());
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.usage).toEqual({
      prompt_tokens: expected.prompt_ids.length,
      completion_tokens: expected.greedy_ids.length,
      total_tokens: expected.prompt_ids.length + expected.greedy_ids.length,
    });
  });

  test('a prompt given as token ids, and echo', async () => {
    const r = await client.completions.create({
      model: 'gpt2-tiny',
      prompt: expected.prompt_ids,
      max_tokens: 4,
      temperature: 0,
      echo: true,
    });
    const first4 = llm.tokenizer.decode(expected.greedy_ids.slice(0, 4));
    expect(r.choices[0]!.text).toBe(expected.prompt + first4);
  });

  test('a streamed completion: chunks concatenate to the same text, last chunk has the finish reason, then usage', async () => {
    const stream = await client.completions.create({
      model: 'gpt2-tiny',
      prompt: expected.prompt,
      max_tokens: expected.greedy_ids.length,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const withChoices = chunks.filter((c) => c.choices.length > 0);
    expect(withChoices.length).toBeGreaterThan(2);
    expect(withChoices.map((c) => c.choices[0]!.text).join('')).toBe(greedyText());
    expect(withChoices.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    expect(withChoices.at(-1)!.choices[0]!.finish_reason).toBe('length');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBe(expected.greedy_ids.length);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  test("sampling fields map to the runtime: same seed and options give the runtime's own text", async () => {
    const options = { temperature: 0.9, topP: 0.9, topK: 50, minP: 0.01, repetitionPenalty: 1.2, seed: 7 };
    const r = await client.completions.create({
      model: 'gpt2-tiny',
      prompt: 'Once upon a time',
      max_tokens: 10,
      temperature: 0.9,
      top_p: 0.9,
      seed: 7,
      // extensions travel as extra body fields
      top_k: 50,
      min_p: 0.01,
      repetition_penalty: 1.2,
    } as OpenAI.CompletionCreateParamsNonStreaming);
    const ids = llm.tokenizer.encode('Once upon a time');
    expect(r.choices[0]!.text).toBe(await direct(ids, { ...options, maxTokens: 10 }));
    // and a different seed gives a different sample of the same length budget
    const again = await client.completions.create({
      model: 'gpt2-tiny',
      prompt: 'Once upon a time',
      max_tokens: 10,
      temperature: 0.9,
      seed: 7,
    });
    expect(again.choices[0]!.text).toBe(await direct(ids, { temperature: 0.9, seed: 7, maxTokens: 10 }));
  });

  test('a stop string ends the completion before it, with finish_reason "stop"', async () => {
    const full = greedyText();
    // a stop string taken from inside the greedy continuation
    const stop = full.slice(4, 7);
    const r = await client.completions.create({
      model: 'gpt2-tiny',
      prompt: expected.prompt,
      max_tokens: expected.greedy_ids.length,
      temperature: 0,
      stop: [stop],
    });
    expect(r.choices[0]!.text).toBe(full.slice(0, full.indexOf(stop)));
    expect(r.choices[0]!.finish_reason).toBe('stop');
    // usage counts every sampled token, the ones that completed the stop string included (as OpenAI does)
    let sampled = 1;
    while (!llm.tokenizer.decode(expected.greedy_ids.slice(0, sampled)).includes(stop)) sampled++;
    expect(r.usage?.completion_tokens).toBe(sampled);
  });

  test("chat renders the messages with the model's chat template", async () => {
    const rendered = '<|system|>Be brief.\n<|user|>The cat sat on the mat.\n<|assistant|>';
    const ids = llm.tokenizer.encode(rendered, { allowedSpecial: 'all' });
    const r = await client.chat.completions.create({
      model: 'gpt2-tiny',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'The cat sat on the mat.' },
      ],
      max_tokens: 8,
      temperature: 0,
    });
    expect(r.object).toBe('chat.completion');
    expect(r.id).toMatch(/^chatcmpl-/);
    expect(r.usage?.prompt_tokens).toBe(ids.length);
    expect(r.choices[0]!.message.role).toBe('assistant');
    const want = await direct(ids, { temperature: 0, maxTokens: 8, stop: ['<|endoftext|>'] });
    expect(r.choices[0]!.message.content).toBe(want);
    expect(r.choices[0]!.finish_reason).toBe(r.usage?.completion_tokens === 8 ? 'length' : 'stop');
  });

  test('a streamed chat: role first, content deltas, finish reason, [DONE]', async () => {
    const messages = [
      { role: 'developer' as const, content: 'Be brief.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'The cat sat on the mat.' }] },
    ];
    const nonStreamed = await client.chat.completions.create({
      model: 'gpt2-tiny',
      messages,
      max_tokens: 8,
      temperature: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'gpt2-tiny',
      messages,
      max_tokens: 8,
      temperature: 0,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.object).toBe('chat.completion.chunk');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(nonStreamed.choices[0]!.message.content);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe(nonStreamed.choices[0]!.finish_reason);
  });

  test('errors reach the client as OpenAI errors with status, type and code', async () => {
    const tooLong = 'word '.repeat(400);
    const error = await client.completions
      .create({ model: 'gpt2-tiny', prompt: tooLong })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    const badN = await client.completions
      .create({ model: 'gpt2-tiny', prompt: 'hi', n: 2 })
      .catch((e: unknown) => e);
    expect(badN).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badN as Error).message).toMatch(/n = 1/);
    const missing = await client.models.retrieve('gpt-4o').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });
});
