// `llmf serve` as users run it: the built binary as a subprocess on an ephemeral loopback port, stopped with
// SIGTERM while a stream is running (it must finish or cancel the stream, then exit 0).

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { binPath, runCli } from './run-cli';
import { gpt2Dir, sseData } from './serve-harness';

interface Served {
  child: ChildProcess;
  url: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Start `llmf serve ...args` and wait until it says the model is ready. */
function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [binPath, 'serve', '--port', '0', ...args], {
    env: { ...process.env, NO_COLOR: '1', LLMF_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url && stderr.includes('ready:')) resolve({ child, url, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) =>
      reject(new Error(`llmf serve exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
}

/** A long greedy stream (100 tokens without EOS on this fixture); resolves once the first event arrived. */
async function longStream(url: string) {
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      prompt: 'The cat sat on the mat.',
      max_tokens: 100,
      temperature: 0,
      stream: true,
    }),
  });
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value, { stream: true });
  const atStart = text;
  const rest = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { status: r.status, rest, received: () => atStart };
}

describe('llmf serve (binary)', () => {
  test('serves completions, and on SIGTERM finishes the running stream and exits 0', async () => {
    const s = await startServe([
      '--model',
      gpt2Dir,
      '--served-model-name',
      'tiny',
      '--shutdown-timeout',
      '20',
    ]);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${s.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', model: 'tiny' });
    const models = (await (await fetch(`${s.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('tiny');

    const running = await longStream(s.url);
    expect(running.status).toBe(200);
    s.child.kill('SIGTERM');
    const data = sseData(await running.rest);
    // the stream was still running when the signal came: most of it arrived afterwards
    console.log(`events before SIGTERM: ${sseData(running.received()).length}, in all: ${data.length}`);
    expect(data.length).toBeGreaterThan(sseData(running.received()).length);
    expect(data.at(-1)).toBe('[DONE]');
    const last = JSON.parse(data.at(-2)!);
    expect(last.choices[0].finish_reason).toBe('length');
    const text = data
      .slice(0, -1)
      .map((d) => JSON.parse(d).choices[0].text)
      .join('');
    expect(text.length).toBeGreaterThan(0);
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.stderr()).toContain('SIGTERM');
    expect(s.stderr()).toContain('stopped');
  });

  test('with --shutdown-timeout 0 a running stream is finished or cancelled, never left hanging; exit 0', async () => {
    const s = await startServe(['--model', gpt2Dir, '--shutdown-timeout', '0']);
    const running = await longStream(s.url);
    s.child.kill('SIGTERM');
    const data = sseData(await running.rest);
    expect(data.at(-1)).toBe('[DONE]');
    const last = JSON.parse(data.at(-2)!);
    // cancelled: an OpenAI error event; finished in time: the finish reason
    if (last.error) expect(last.error.code).toBe('shutting_down');
    else expect(last.choices[0].finish_reason).toBe('length');
    expect(await s.exited).toEqual({ code: 0, signal: null });
  });

  test("--api-key from the command line guards /v1; Ctrl-C (SIGINT) stops with the CLI's exit code 130", async () => {
    const s = await startServe(['--model', gpt2Dir, '--api-key', 'k3y']);
    expect((await fetch(`${s.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${s.url}/v1/models`, { headers: { authorization: 'Bearer k3y' } })).status).toBe(
      200,
    );
    s.child.kill('SIGINT');
    expect(await s.exited).toEqual({ code: 130, signal: null });
  });

  test('a port in use is a one-line error (exit 1); a bad port is a usage error (exit 2)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = await runCli(['serve', '--model', gpt2Dir, '--port', String(port)]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`port ${port} is in use`);
      expect(busy.stderr.trim().split('\n').at(-1)).toMatch(/^llmf: port/);
    } finally {
      blocker.close();
    }
    const bad = await runCli(['serve', '--port', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be');
    const emptyKey = await runCli(['serve', '--model', gpt2Dir, '--api-key', '']);
    expect(emptyKey.code).toBe(2);
    expect(emptyKey.stderr).toContain('--api-key must not be empty');
  });

  test('--help lists the endpoints and options', async () => {
    const r = await runCli(['serve', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['/v1/chat/completions', '--max-queue', '--api-key', '--host', '--shutdown-timeout']) {
      expect(r.stdout).toContain(word);
    }
  });
});
