// One generation request, from the waiting line to the last byte: wait for the model (or 429), generate
// with the request's AbortSignal, and answer as one JSON body or as a server-sent-event stream.
// The signal aborts when the client disconnects (its slot is freed at once, waiting or generating) or
// when a shutdown's grace period runs out.

import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LLM } from '../runtime';
import { yieldToEventLoop } from '../terminal';
import { HttpError, unavailable } from './http-error';
import { openAiFinishReason, ResponseFormat, usage } from './openai-format';
import { asRequestError, type PreparedPrompt } from './prompt';
import type { SlotQueue } from './queue';
import { sendError, sendJson } from './respond';
import { EventStream } from './sse';

/** A generation request in progress, as the shutdown sees it. */
export interface ActiveRequest {
  /** Settles when the response is over (whatever the outcome). */
  readonly done: Promise<void>;
  /** Stop the generation; a stream ends with an error event carrying `message`. */
  cancel(message: string): void;
}

export interface GenerationRequest {
  llm: LLM;
  queue: SlotQueue;
  active: Set<ActiveRequest>;
  req: IncomingMessage;
  res: ServerResponse;
  kind: 'completion' | 'chat';
  modelId: string;
  prompt: PreparedPrompt;
  stream: boolean;
  includeUsage: boolean;
}

/** Why a generation was aborted. */
class Cancelled extends Error {
  constructor(
    readonly byClient: boolean,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Run one generation request to the end of its response. Errors (400, 429, 503...) are answered here, so
 * that the request counts as done for the shutdown only once its last byte was handed to the socket.
 */
export async function handleGeneration(r: GenerationRequest): Promise<void> {
  const { res } = r;
  const abort = new AbortController();
  let finished!: () => void;
  const request: ActiveRequest = {
    done: new Promise<void>((resolve) => {
      finished = resolve;
    }),
    cancel: (message) => abort.abort(new Cancelled(false, message)),
  };
  // 'close' before the response finished: the client went away
  const onClose = () => {
    if (!res.writableFinished) abort.abort(new Cancelled(true, 'the client closed the connection'));
  };
  res.on('close', onClose);
  r.active.add(request);
  try {
    await generate(r, abort.signal);
  } catch (error) {
    sendError(r.req, res, error);
  } finally {
    res.off('close', onClose);
    // the response is over once it is flushed ('finish') or the socket is gone
    if (!res.writableFinished && !res.destroyed) await once(res, 'close').catch(() => {});
    r.active.delete(request);
    finished();
  }
}

async function generate(r: GenerationRequest, signal: AbortSignal): Promise<void> {
  let generation: Generation;
  try {
    // checks the options before waiting (the stream itself starts on the first iteration)
    generation = r.llm.generate(r.prompt.ids, { ...r.prompt.options, signal });
  } catch (error) {
    throw asRequestError(error);
  }
  let release: () => void;
  try {
    release = await r.queue.acquire(signal);
  } catch (error) {
    if (error instanceof Cancelled) {
      if (error.byClient) return;
      throw unavailable('the server is shutting down', 'shutting_down');
    }
    throw error;
  }
  try {
    await (r.stream ? streamResponse(r, generation, signal) : jsonResponse(r, generation, signal));
  } finally {
    release();
  }
}

type Generation = ReturnType<LLM['generate']>;

async function jsonResponse(
  r: GenerationRequest,
  generation: Generation,
  signal: AbortSignal,
): Promise<void> {
  const format = new ResponseFormat(r.kind, r.modelId);
  let text = r.prompt.echo;
  for await (const token of generation) {
    text += token.text;
    await yieldToEventLoop(); // let other connections (and this one's close) be seen between tokens
  }
  if (signal.aborted) {
    const reason = signal.reason as Cancelled;
    if (reason.byClient) return;
    throw unavailable(reason.message, 'shutting_down');
  }
  // completion tokens: every sampled token, those swallowed by a stop string included
  const counts = usage(r.prompt.ids.length, generation.stats.generatedTokens);
  sendJson(r.res, 200, format.complete(text, openAiFinishReason(generation.finishReason), counts));
}

async function streamResponse(
  r: GenerationRequest,
  generation: Generation,
  signal: AbortSignal,
): Promise<void> {
  const format = new ResponseFormat(r.kind, r.modelId);
  const events = new EventStream(r.res);
  const withUsage = r.includeUsage;
  try {
    const start = format.start(withUsage);
    if (start) await events.send(start);
    if (r.prompt.echo) await events.send(format.delta(r.prompt.echo, withUsage));
    for await (const token of generation) {
      if (token.text !== '') await events.send(format.delta(token.text, withUsage));
      await yieldToEventLoop();
    }
  } catch (error) {
    // headers are sent: the failure goes into the stream as an OpenAI error event
    const http = asRequestError(error);
    const body =
      http instanceof HttpError
        ? http.body()
        : new HttpError(
            500,
            `generation failed: ${(error as Error).message}`,
            'server_error',
            'internal_error',
          ).body();
    await events.send(body);
    await events.done();
    return;
  }
  if (signal.aborted) {
    const reason = signal.reason as Cancelled;
    if (!reason.byClient) {
      await events.send(unavailable(reason.message, 'shutting_down').body());
      await events.done();
    }
    return;
  }
  await events.send(format.finish(openAiFinishReason(generation.finishReason), withUsage));
  if (withUsage)
    await events.send(format.usageChunk(usage(r.prompt.ids.length, generation.stats.generatedTokens)));
  await events.done();
}
