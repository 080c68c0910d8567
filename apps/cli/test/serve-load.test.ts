// `llmf serve` under concurrency: the bounded queue (429), clients that disconnect (their generation stops
// and frees the slot), graceful close, and a load test (bounded: 40 streams per round, loopback only) that
// checks every request completes or gets 429, memory stays flat across rounds, and the server still answers.

import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LLM } from '../src/runtime';
import { loadFixture, postJson, raw, serve, sseData } from './serve-harness';

let llm: LLM;

beforeAll(async () => {
  llm = await loadFixture();
});

afterAll(() => {
  llm?.dispose();
});

/** A wrapper of the model whose generations wait for `open()` before the first token, and count tokens pulled. */
function gated(model: LLM) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const stats = { started: 0, pulled: 0 };
  const wrapper: LLM = Object.create(model);
  wrapper.generate = (prompt, o) => {
    const inner = model.generate(prompt, o);
    async function* run() {
      stats.started++;
      const aborted = new Promise<void>((resolve) => o?.signal?.addEventListener('abort', () => resolve()));
      await Promise.race([gate, aborted]);
      for await (const token of inner) {
        stats.pulled++;
        yield token;
      }
    }
    const generation = run();
    Object.defineProperties(generation, {
      seed: { get: () => inner.seed },
      finishReason: { get: () => inner.finishReason },
      stats: { get: () => inner.stats },
    });
    return generation as ReturnType<LLM['generate']>;
  };
  return { llm: wrapper, open, stats };
}

/** Poll `check` on the event loop until it is true (bounded). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const health = async (url: string) => (await raw(url, { method: 'GET', path: '/health' })).json();

/** A streaming request read to the end with fetch: status and SSE payloads. */
async function stream(url: string, body: object, signal?: AbortSignal) {
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: true, ...body }),
    signal,
  });
  return { status: r.status, data: sseData(await r.text()) };
}

describe('llmf serve: the queue', () => {
  test('one generates, --max-queue wait, the next is 429 at once; all the accepted ones complete', async () => {
    const g = gated(llm);
    const s = await serve(g.llm, { maxQueue: 2 });
    try {
      const first = stream(s.url, { prompt: 'one', max_tokens: 3 });
      await until(() => g.stats.started === 1, 'the first generation');
      const waiting = [
        stream(s.url, { prompt: 'two', max_tokens: 3 }),
        stream(s.url, { prompt: 'three', max_tokens: 3 }),
      ];
      await until(async () => (await health(s.url)).waiting === 2, 'two waiting');
      expect(await health(s.url)).toMatchObject({ running: 1, waiting: 2 });
      const refused = await postJson(s.url, '/v1/completions', { prompt: 'four', max_tokens: 3 });
      expect(refused.status).toBe(429);
      expect(refused.json().error).toMatchObject({ type: 'rate_limit_error', code: 'queue_full' });
      expect(refused.headers['retry-after']).toBe('1');
      g.open();
      for (const r of await Promise.all([first, ...waiting])) {
        expect(r.status).toBe(200);
        expect(r.data.at(-1)).toBe('[DONE]');
      }
      expect(g.stats.started).toBe(3);
    } finally {
      await s.close();
    }
  });

  test('a client that disconnects mid-stream stops its generation and frees the slot', async () => {
    const g = gated(llm);
    g.open();
    const s = await serve(g.llm, { maxQueue: 0 });
    try {
      const ac = new AbortController();
      const r = await fetch(`${s.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // temperature 0 from this prompt reaches max_tokens without EOS (fixture greedy run)
        body: JSON.stringify({
          prompt: 'The cat sat on the mat.',
          max_tokens: 100,
          temperature: 0,
          stream: true,
        }),
        signal: ac.signal,
      });
      const reader = r.body!.getReader();
      await reader.read(); // the first event
      ac.abort();
      await until(async () => (await health(s.url)).running === 0, 'the slot to be freed');
      expect(g.stats.pulled).toBeLessThan(100);
      // the freed slot serves the next request (max-queue 0: it would be 429 if the slot were still held)
      const next = await postJson(s.url, '/v1/completions', { prompt: 'hi', max_tokens: 2 });
      expect(next.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  test('a client that disconnects while waiting leaves the line', async () => {
    const g = gated(llm);
    const s = await serve(g.llm, { maxQueue: 1 });
    try {
      const first = stream(s.url, { prompt: 'one', max_tokens: 2 });
      await until(() => g.stats.started === 1, 'the first generation');
      const ac = new AbortController();
      const second = stream(s.url, { prompt: 'two', max_tokens: 2 }, ac.signal).catch((e: unknown) => e);
      await until(async () => (await health(s.url)).waiting === 1, 'one waiting');
      ac.abort();
      expect(await second).toBeInstanceOf(Error);
      await until(async () => (await health(s.url)).waiting === 0, 'the line to empty');
      g.open();
      expect((await first).status).toBe(200);
      expect(g.stats.started).toBe(1); // the abandoned request never reached the model
    } finally {
      await s.close();
    }
  });
});

describe('llmf serve: backpressure', () => {
  test('a client that stops reading pauses its generation instead of filling the server with tokens', async () => {
    // every token's text is 512 KiB: 60 tokens would be 30 MiB queued in the server without backpressure
    const big = 'x'.repeat(512 * 1024);
    const stats = { pulled: 0 };
    const wrapper: LLM = Object.create(llm);
    wrapper.generate = (prompt, o) => {
      const inner = llm.generate(prompt, o);
      async function* run() {
        for await (const token of inner) {
          stats.pulled++;
          yield { id: token.id, text: big };
        }
      }
      const generation = run();
      Object.defineProperties(generation, { finishReason: { get: () => inner.finishReason } });
      return generation as ReturnType<LLM['generate']>;
    };
    const s = await serve(wrapper);
    try {
      const body = JSON.stringify({
        prompt: 'The cat sat on the mat.',
        max_tokens: 60,
        temperature: 0,
        stream: true,
      });
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(
          `${s.url}/v1/completions`,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          resolve,
        );
        req.on('error', reject);
        req.end(body);
      });
      response.pause();
      // wait until the server stops pulling tokens (the socket buffers are full)
      let seen = -1;
      while (seen !== stats.pulled) {
        seen = stats.pulled;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(stats.pulled).toBeLessThan(60);
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      response.resume();
      await once(response, 'end');
      expect(stats.pulled).toBe(60);
      expect(received).toBeGreaterThan(60 * big.length);
    } finally {
      await s.close();
    }
  });
});

describe('llmf serve: graceful close', () => {
  test('close() lets a running stream finish, answers waiting requests 503 and new connections are refused', async () => {
    const g = gated(llm);
    const s = await serve(g.llm, { maxQueue: 4 });
    const running = stream(s.url, { prompt: 'one', max_tokens: 4 });
    await until(() => g.stats.started === 1, 'the first generation');
    const waiting = postJson(s.url, '/v1/completions', { prompt: 'two', max_tokens: 2 });
    await until(async () => (await health(s.url)).waiting === 1, 'one waiting');
    const closed = s.close(30_000);
    const refused = await waiting;
    expect(refused.status).toBe(503);
    expect(refused.json().error.code).toBe('shutting_down');
    g.open();
    const done = await running;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.data.at(-2)!).choices[0].finish_reason).not.toBeNull();
    await closed;
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  });

  test('a non-streamed request still running when the grace period ends gets 503 shutting_down', async () => {
    const g = gated(llm);
    const s = await serve(g.llm);
    const running = postJson(s.url, '/v1/completions', { prompt: 'one', max_tokens: 4 });
    await until(() => g.stats.started === 1, 'the generation');
    await s.close(50);
    const r = await running;
    expect(r.status).toBe(503);
    expect(r.json().error.code).toBe('shutting_down');
  });

  test('a stream still running when the grace period ends is cut with an error event and [DONE]', async () => {
    const g = gated(llm); // never opened: the generation would wait forever
    const s = await serve(g.llm);
    const running = stream(s.url, { prompt: 'one', max_tokens: 4 });
    await until(() => g.stats.started === 1, 'the generation');
    await s.close(50);
    const r = await running;
    expect(r.status).toBe(200);
    expect(r.data.at(-1)).toBe('[DONE]');
    expect(JSON.parse(r.data.at(-2)!).error).toMatchObject({ code: 'shutting_down', type: 'server_error' });
  });
});

describe('llmf serve: load', () => {
  test('40 concurrent streams with --max-queue 8: each completes or gets 429; memory stays flat; the server still answers', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const s = await serve(llm, { maxQueue: 8 });
    const round = async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          stream(s.url, { prompt: `request ${i}`, max_tokens: 8, seed: i }),
        ),
      );
      let ok = 0;
      let busy = 0;
      for (const r of results) {
        if (r.status === 200) {
          ok++;
          expect(r.data.at(-1)).toBe('[DONE]');
          const last = JSON.parse(r.data.at(-2)!);
          expect(['stop', 'length']).toContain(last.choices[0].finish_reason);
        } else {
          expect(r.status).toBe(429);
          busy++;
        }
      }
      expect(ok + busy).toBe(40);
      expect(ok).toBeGreaterThanOrEqual(9); // one running and eight waiting are always accepted
      return { ok, busy };
    };
    const memory = () => {
      gc();
      gc();
      return process.memoryUsage();
    };
    try {
      await round(); // warm-up: JIT, buffers, connection pools
      const before = memory();
      const counts = [await round(), await round()];
      const after = memory();
      const heapGrowth = after.heapUsed - before.heapUsed;
      const rssGrowth = after.rss - before.rss;
      console.log(
        `load: rounds ${JSON.stringify(counts)}; heapUsed ${(before.heapUsed / 2 ** 20).toFixed(1)} → ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(before.rss / 2 ** 20).toFixed(1)} → ${(after.rss / 2 ** 20).toFixed(1)} MiB`,
      );
      expect(heapGrowth).toBeLessThan(16 * 2 ** 20);
      expect(rssGrowth).toBeLessThan(64 * 2 ** 20);
      expect(await health(s.url)).toMatchObject({ status: 'ok', running: 0, waiting: 0 });
      const after429 = await postJson(s.url, '/v1/completions', { prompt: 'still there?', max_tokens: 2 });
      expect(after429.status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
