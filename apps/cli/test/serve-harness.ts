// Shared setup of the `llmf serve` tests: the gpt2-tiny fixture (random weights, fast), a copy of it with a
// chat template, an in-process server on an ephemeral loopback port, and raw HTTP helpers.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatTemplate, loadChatTemplate } from '../src/chat-template';
import { type LLM, loadLlm } from '../src/runtime';
import { badRequest, type HttpError } from '../src/serve/http-error';
import { type LlmServer, type ServeOptions, startServer } from '../src/serve/server';
import { fixturesDir } from './run-cli';

export const gpt2Dir = join(fixturesDir, 'gpt2-tiny');

/** PyTorch's greedy continuation of the fixture prompt (fixtures/models/gpt2-tiny/expected.json). */
export const expected = JSON.parse(readFileSync(join(gpt2Dir, 'expected.json'), 'utf8')) as {
  prompt: string;
  prompt_ids: number[];
  greedy_ids: number[];
};

/** A small chat template in the ChatML style, with role markers as plain text. */
export const chatTemplateSource =
  '{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';

/** A temporary copy of gpt2-tiny whose tokenizer_config.json has `chatTemplateSource`. */
export function chatModelDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'llmf-serve-chat-'));
  cpSync(gpt2Dir, dir, { recursive: true });
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      chat_template: chatTemplateSource,
    }),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The fixture model on the reference kernels. */
export function loadFixture(dir = gpt2Dir): Promise<LLM> {
  return loadLlm(dir, { backend: 'js' });
}

export const noTemplate: HttpError = badRequest('gpt2-tiny has no chat template', 'no_chat_template');

/** A server on 127.0.0.1, port 0. */
export function serve(
  model: LLM | Promise<LLM>,
  o: Partial<ServeOptions> & { chatTemplate?: ChatTemplate | HttpError } = {},
): Promise<LlmServer> {
  return startServer({ model, modelId: 'gpt2-tiny', chatTemplate: noTemplate, port: 0, ...o });
}

export { loadChatTemplate };

/** An OpenAI error body. */
export interface ErrorBody {
  error: { message: string; type: string; param: null; code: string | null };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (typed by the caller). */
  json<T = ErrorBody & Record<string, unknown>>(): T;
}

/** One HTTP request with Node's client, no retries or body checks: for malformed input. */
export function raw(
  url: string,
  o: {
    method?: string;
    path: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer;
    chunks?: Buffer[];
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${o.path}`,
      { method: o.method ?? 'POST', headers: o.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (o.chunks) {
      for (const chunk of o.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(o.body);
    }
  });
}

/** POST a JSON body. */
export function postJson(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return raw(url, {
    path,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The `data:` payloads of a server-sent-event stream. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}
