// `llmf serve` with raw HTTP requests: malformed JSON, wrong types, oversized bodies, unknown routes,
// methods, auth, the loading state. Every error must be an OpenAI-shaped JSON body with the right status.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LLM } from '../src/runtime';
import type { LlmServer } from '../src/serve/server';
import { loadFixture, postJson, type RawResponse, raw, serve } from './serve-harness';

let llm: LLM;
let server: LlmServer;
let url: string;

beforeAll(async () => {
  llm = await loadFixture();
  server = await serve(llm, { maxBodyBytes: 64 * 1024 });
  url = server.url;
});

afterAll(async () => {
  await server?.close();
  llm?.dispose();
});

/** The response is an OpenAI error with this status and code. */
function expectError(r: RawResponse, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  const body = r.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(typeof body.error.type).toBe('string');
  return body.error as { message: string; type: string; code: string; param: string | null };
}

describe('llmf serve: bad requests', () => {
  test('malformed JSON is 400 invalid_json', async () => {
    const r = await raw(url, {
      path: '/v1/completions',
      body: '{"prompt": "hi",',
      headers: { 'content-type': 'application/json' },
    });
    expect(expectError(r, 400, 'invalid_json').type).toBe('invalid_request_error');
  });

  test('an empty body and a non-JSON content type are refused', async () => {
    expectError(await raw(url, { path: '/v1/completions', body: '' }), 400, 'invalid_request');
    expectError(
      await raw(url, {
        path: '/v1/completions',
        body: 'prompt=hi',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  test.each([
    [{ prompt: 42 }, 'prompt'],
    [{ prompt: 'hi', max_tokens: 'ten' }, 'max_tokens'],
    [{ prompt: 'hi', max_tokens: 0 }, 'max_tokens'],
    [{ prompt: 'hi', max_tokens: 2.5 }, 'max_tokens'],
    [{ prompt: 'hi', temperature: -1 }, 'temperature'],
    [{ prompt: 'hi', top_p: 0 }, 'top_p'],
    [{ prompt: 'hi', stream: 'yes' }, 'stream'],
    [{ prompt: 'hi', stop: [''] }, 'stop'],
    [{ prompt: 'hi', stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ prompt: 'hi', seed: -3 }, 'seed'],
    [{ prompt: 'hi', presence_penalty: 0.5 }, 'presence_penalty'],
    [{ prompt: ['a', 'b'] }, 'prompt'],
    [[1, 2, 3], ''],
  ])('wrong type or range %j is 400 naming the field', async (body, field) => {
    const error = expectError(await postJson(url, '/v1/completions', body), 400, 'invalid_request');
    expect(error.message).toContain(`invalid request body: ${field}`);
    // `param` names the field too (or the element inside it: `stop.0`)
    expect((error.param ?? '').startsWith(field)).toBe(true);
  });

  test('chat messages are validated too', async () => {
    const e1 = expectError(
      await postJson(url, '/v1/chat/completions', { messages: [] }),
      400,
      'invalid_request',
    );
    expect(e1.message).toContain('messages');
    const e2 = expectError(
      await postJson(url, '/v1/chat/completions', { messages: [{ role: 'tool', content: 'x' }] }),
      400,
      'invalid_request',
    );
    expect(e2.message).toContain('messages.0.role');
    expect(e2.message).toContain('tools are not supported');
    expect(e2.param).toBe('messages.0.role');
  });

  test('a model without a chat template answers chat requests 400 no_chat_template', async () => {
    const r = await postJson(url, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] });
    expectError(r, 400, 'no_chat_template');
  });

  test('a token id outside the vocabulary and an over-long prompt are 400', async () => {
    expectError(await postJson(url, '/v1/completions', { prompt: [1, 99999] }), 400, 'unknown_token');
    expectError(
      await postJson(url, '/v1/completions', { prompt: 'x '.repeat(500) }),
      400,
      'context_length_exceeded',
    );
  });

  test('a body over --max-body is 413, whether declared or chunked', async () => {
    const huge = JSON.stringify({ prompt: 'a'.repeat(200 * 1024) });
    const declared = await raw(url, {
      path: '/v1/completions',
      body: huge,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(huge) },
    });
    expectError(declared, 413, 'request_too_large');
    const piece = Buffer.alloc(16 * 1024, 'a');
    const chunked = await raw(url, {
      path: '/v1/completions',
      chunks: [Buffer.from('{"prompt":"'), ...Array(8).fill(piece), Buffer.from('"}')],
      headers: { 'content-type': 'application/json' },
    });
    expectError(chunked, 413, 'request_too_large');
    // the server is fine afterwards
    expect((await postJson(url, '/v1/completions', { prompt: 'hi', max_tokens: 2 })).status).toBe(200);
  });

  test('unknown routes are 404, wrong methods 405 with Allow', async () => {
    expectError(await raw(url, { method: 'GET', path: '/v1/nothing' }), 404, 'not_found');
    expectError(await raw(url, { method: 'POST', path: '/' }), 404, 'not_found');
    // a path that does not percent-decode is an unknown route, not a server error
    expectError(await raw(url, { method: 'GET', path: '/v1/models/%E0%A4%A' }), 404, 'not_found');
    const percent = await raw(url, { method: 'GET', path: '/v1/models/gpt2%2Dtiny' });
    expect(percent.status).toBe(200);
    const r = await raw(url, { method: 'GET', path: '/v1/completions' });
    expectError(r, 405, 'method_not_allowed');
    expect(r.headers.allow).toBe('POST');
    expectError(await raw(url, { method: 'DELETE', path: '/v1/models' }), 405, 'method_not_allowed');
  });

  test('GET /health reports ok and the queue', async () => {
    const r = await raw(url, { method: 'GET', path: '/health' });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', model: 'gpt2-tiny', running: 0, waiting: 0 });
  });
});

describe('llmf serve: auth', () => {
  test('with an API key, /v1 needs Authorization: Bearer <key>; /health does not', async () => {
    const keyed = await serve(llm, { apiKey: 's3cret' });
    try {
      const none = await raw(keyed.url, { method: 'GET', path: '/v1/models' });
      expect(expectError(none, 401, 'invalid_api_key').type).toBe('authentication_error');
      const wrong = await raw(keyed.url, {
        method: 'GET',
        path: '/v1/models',
        headers: { authorization: 'Bearer s3creT' },
      });
      expectError(wrong, 401, 'invalid_api_key');
      const post = await postJson(
        keyed.url,
        '/v1/completions',
        { prompt: 'hi' },
        { authorization: 'Bearer nope' },
      );
      expectError(post, 401, 'invalid_api_key');
      const right = await raw(keyed.url, {
        method: 'GET',
        path: '/v1/models',
        headers: { authorization: 'Bearer s3cret' },
      });
      expect(right.status).toBe(200);
      expect((await raw(keyed.url, { method: 'GET', path: '/health' })).status).toBe(200);
    } finally {
      await keyed.close();
    }
  });
});

describe('llmf serve: while the model loads', () => {
  test('/health and generation requests are 503 until the model is ready, then 200', async () => {
    let provide!: (m: LLM) => void;
    const loading = new Promise<LLM>((resolve) => {
      provide = resolve;
    });
    const s = await serve(loading);
    try {
      const health = await raw(s.url, { method: 'GET', path: '/health' });
      expect(health.status).toBe(503);
      expect(health.json().status).toBe('loading');
      const r = await postJson(s.url, '/v1/completions', { prompt: 'hi', max_tokens: 2 });
      expectError(r, 503, 'model_loading');
      expect(r.headers['retry-after']).toBe('1');
      provide(llm);
      await s.ready;
      expect((await raw(s.url, { method: 'GET', path: '/health' })).status).toBe(200);
      expect((await postJson(s.url, '/v1/completions', { prompt: 'hi', max_tokens: 2 })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
