// The OpenAI-compatible HTTP server: routing, auth, the model's state (loading → ready → shutting down),
// and graceful shutdown. Generation requests are handled in generation.ts.
//
//   GET  /health                 200 { status: 'ok' } once the model is loaded, 503 while loading or stopping
//   GET  /v1/models[/ID]         the one served model
//   POST /v1/completions         text completion (prompt → text), streamed or not
//   POST /v1/chat/completions    chat completion through the model's chat template, streamed or not

import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatTemplate } from '../chat-template';
import type { LLM } from '../runtime';
import { readJsonBody } from './body';
import { type ActiveRequest, handleGeneration } from './generation';
import { HttpError, unavailable } from './http-error';
import { chatPrompt, completionPrompt } from './prompt';
import { SlotQueue } from './queue';
import { sendError, sendJson } from './respond';
import { chatRequest, completionRequest, parseBody } from './schemas';

/** How to run the server. */
export interface ServeOptions {
  /** The model, or its loading promise: until it resolves, generation requests and /health get 503. */
  model: LLM | Promise<LLM>;
  /** The id clients see in /v1/models and in responses. */
  modelId: string;
  /** The model's chat template; an HttpError (e.g. "this model has no chat template") answers chat requests instead. */
  chatTemplate: ChatTemplate | HttpError;
  /** Address to bind. Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Port; 0 picks a free one (read it back from `LlmServer.port`). Default 8080. */
  port?: number;
  /** Requests that may wait while one generates; more get 429. Default 8. */
  maxQueue?: number;
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Largest request body in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** One line per request (method, path, status, time), e.g. to stderr with --verbose. */
  log?: (line: string) => void;
}

/** A running server. */
export interface LlmServer {
  /** `http://host:port` (the base URL of OpenAI clients is this plus `/v1`). */
  readonly url: string;
  readonly port: number;
  /** Resolves once the model is loaded; rejects if loading failed. */
  readonly ready: Promise<void>;
  /**
   * Graceful shutdown: stop accepting connections, answer waiting requests 503, give running generations up to
   * `graceMs` to finish, then cancel them; resolves when every connection is closed. The model is not disposed.
   */
  close(graceMs?: number): Promise<void>;
}

type ModelState = { kind: 'loading' } | { kind: 'ready'; llm: LLM } | { kind: 'failed'; error: unknown };

/** Start serving; resolves once the socket listens (the model may still be loading). */
export async function startServer(o: ServeOptions): Promise<LlmServer> {
  const host = o.host ?? '127.0.0.1';
  const maxBody = o.maxBodyBytes ?? 1024 * 1024;
  const queue = new SlotQueue(o.maxQueue ?? 8);
  const active = new Set<ActiveRequest>();
  const apiKey = o.apiKey === undefined ? undefined : Buffer.from(o.apiKey);
  let state: ModelState = { kind: 'loading' };
  let closing = false;

  const ready = Promise.resolve(o.model).then(
    (llm) => {
      state = { kind: 'ready', llm };
    },
    (error: unknown) => {
      state = { kind: 'failed', error };
      throw error;
    },
  );
  ready.catch(() => {}); // observed through `ready` by the caller

  const modelObject = () => ({ id: o.modelId, object: 'model', created: 0, owned_by: 'llmf' });

  function requireModel(): LLM {
    if (closing) throw unavailable('the server is shutting down', 'shutting_down');
    if (state.kind === 'loading')
      throw unavailable('the model is still loading; retry in a moment', 'model_loading');
    if (state.kind === 'failed') throw unavailable('the model failed to load', 'model_load_failed');
    return state.llm;
  }

  function authorized(req: IncomingMessage): boolean {
    if (apiKey === undefined) return true;
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!.trim());
    // constant-time comparison, so the key cannot be guessed byte by byte from response times
    return given.length === apiKey.length && timingSafeEqual(given, apiKey);
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const allow = (methods: string) => {
      if (!methods.split(', ').includes(method)) {
        throw new HttpError(
          405,
          `${method} is not allowed on ${path}; use ${methods}`,
          'invalid_request_error',
          'method_not_allowed',
          { allow: methods },
        );
      }
    };
    if (path === '/health') {
      allow('GET, HEAD');
      const status = closing ? 'shutting_down' : state.kind === 'ready' ? 'ok' : state.kind;
      sendJson(res, status === 'ok' ? 200 : 503, {
        status,
        model: o.modelId,
        running: queue.busy ? 1 : 0,
        waiting: queue.waiting,
      });
      return;
    }
    const known =
      path === '/v1/models' ||
      path.startsWith('/v1/models/') ||
      path === '/v1/completions' ||
      path === '/v1/chat/completions';
    if (!known)
      throw new HttpError(
        404,
        `no route ${method} ${path}; see GET /v1/models, POST /v1/completions, POST /v1/chat/completions`,
        'not_found_error',
        'not_found',
      );
    if (!authorized(req)) {
      throw new HttpError(
        401,
        'missing or wrong API key: send Authorization: Bearer <key> (the key given to --api-key)',
        'authentication_error',
        'invalid_api_key',
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (path === '/v1/models') {
      allow('GET');
      sendJson(res, 200, { object: 'list', data: [modelObject()] });
      return;
    }
    if (path.startsWith('/v1/models/')) {
      allow('GET');
      const id = path.slice('/v1/models/'.length);
      if (id !== o.modelId)
        throw new HttpError(
          404,
          `the model '${id}' is not served here; this server serves '${o.modelId}'`,
          'not_found_error',
          'model_not_found',
        );
      sendJson(res, 200, modelObject());
      return;
    }
    allow('POST');
    const raw = await readJsonBody(req, maxBody);
    const llm = requireModel();
    const prepared =
      path === '/v1/completions'
        ? (() => {
            const body = parseBody(completionRequest, raw);
            return { body, prompt: completionPrompt(llm, body) };
          })()
        : (() => {
            const body = parseBody(chatRequest, raw);
            return { body, prompt: chatPrompt(llm, o.chatTemplate, body) };
          })();
    await handleGeneration({
      llm,
      queue,
      active,
      req,
      res,
      kind: path === '/v1/completions' ? 'completion' : 'chat',
      modelId: o.modelId,
      prompt: prepared.prompt,
      stream: prepared.body.stream === true,
      includeUsage: prepared.body.stream_options?.include_usage === true,
    });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const path = pathOf(req.url);
    res.on('close', () =>
      o.log?.(
        `${req.method} ${path} ${res.statusCode}${res.writableFinished ? '' : ' (client closed)'} ${(performance.now() - t0).toFixed(0)} ms`,
      ),
    );
    try {
      if (closing && path !== '/health') throw unavailable('the server is shutting down', 'shutting_down');
      await route(req, res, path);
    } catch (error) {
      sendError(req, res, error);
    }
  }

  const server: Server = createServer((req, res) => {
    void onRequest(req, res);
  });
  server.listen(o.port ?? 8080, host);
  await once(server, 'listening'); // rejects with the 'error' event (EADDRINUSE...) instead
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  async function close(graceMs = 10_000): Promise<void> {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    queue.rejectWaiting(unavailable('the server is shutting down', 'shutting_down'));
    // give running generations their grace period, then cancel what is left
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all([...active].map((r) => r.done)), graceOver]);
    clearTimeout(timer);
    for (const request of active) request.cancel('the server is shutting down; the generation was cut short');
    await Promise.all([...active].map((r) => r.done));
    server.closeAllConnections();
    await stopped;
  }

  return {
    url: `http://${shownHost}:${port}`,
    port,
    ready,
    close(graceMs) {
      closed ??= close(graceMs);
      return closed;
    },
  };
}

/** The request's path without a trailing slash, percent-decoded ('/' for a target that does not parse). */
function pathOf(target: string | undefined): string {
  try {
    return decodeURIComponent(new URL(target ?? '/', 'http://localhost').pathname).replace(/\/+$/, '') || '/';
  } catch {
    return '/';
  }
}
