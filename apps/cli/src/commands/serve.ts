// `llmf serve`: serve a model over HTTP with OpenAI's API (completions, chat completions, models), so that
// existing OpenAI clients and SDKs work unchanged. See src/serve/ for the server itself.

import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { BackendName } from '@llmf/runtime-wasm';
import type { CommandSpec, ParsedArgs } from '../args';
import { type ChatTemplate, loadChatTemplate } from '../chat-template';
import { type Command, type Context, note } from '../context';
import { CliError, exitCode, UsageError } from '../errors';
import { resolveModel } from '../model';
import { type LLM, loadLlm } from '../runtime';
import { badRequest, type HttpError } from '../serve/http-error';
import { startServer } from '../serve/server';
import { modelOptions } from './shared-options';

const spec: CommandSpec = {
  name: 'serve',
  summary: 'Serve a model over HTTP with the OpenAI API (completions, chat, streaming).',
  usage: 'serve [options]',
  description:
    "Endpoints: POST /v1/completions, POST /v1/chat/completions (with the model's chat_template), GET /v1/models,\n" +
    'GET /health (503 while the model loads). Point any OpenAI client at http://HOST:PORT/v1.\n' +
    'One generation runs at a time; up to --max-queue requests wait and the rest get 429.\n' +
    'SIGTERM or Ctrl-C stops accepting requests, lets running ones finish within --shutdown-timeout,\n' +
    'then cancels them; SIGTERM exits 0. The API key may also come from the LLMF_API_KEY variable.',
  positionals: { min: 0, max: 0, name: '' },
  options: [
    ...modelOptions,
    {
      name: 'host',
      type: 'string',
      value: 'ADDR',
      description: 'Address to listen on; 0.0.0.0 (or ::) accepts other machines.',
      defaultText: '127.0.0.1',
    },
    {
      name: 'port',
      short: 'p',
      type: 'integer',
      value: 'N',
      min: 0,
      max: 65535,
      description: 'Port to listen on; 0 picks a free one (printed at start).',
      defaultText: '8080',
    },
    {
      name: 'max-queue',
      type: 'integer',
      value: 'N',
      min: 0,
      description: 'Requests that may wait while one generates; more are answered 429.',
      defaultText: '8',
    },
    {
      name: 'api-key',
      type: 'string',
      value: 'KEY',
      description: 'Require `Authorization: Bearer KEY` on /v1 requests (401 otherwise).',
      defaultText: '$LLMF_API_KEY, else no key',
    },
    {
      name: 'served-model-name',
      type: 'string',
      value: 'NAME',
      description: 'The model id shown in /v1/models and responses.',
      defaultText: 'the --model value or folder name',
    },
    {
      name: 'max-body',
      type: 'integer',
      value: 'BYTES',
      min: 1,
      description: 'Largest request body; larger ones are answered 413.',
      defaultText: '1048576',
    },
    {
      name: 'shutdown-timeout',
      type: 'number',
      value: 'SECONDS',
      min: 0,
      description:
        'On SIGTERM/Ctrl-C, how long running generations may take to finish before they are cancelled.',
      defaultText: '10',
    },
  ],
  examples: [
    'llmf serve --model HuggingFaceTB/SmolLM2-135M-Instruct --port 8080',
    'llmf serve --model ./my-model --host 0.0.0.0 --api-key "$KEY" --max-queue 16',
    'curl http://127.0.0.1:8080/v1/completions -H "Content-Type: application/json" -d \'{"prompt":"Once upon a time","max_tokens":20}\'',
  ],
};

/** The chat template, or the 400 that chat requests get when the model has none. */
function chatTemplateOf(dir: string, label: string): ChatTemplate | HttpError {
  try {
    return loadChatTemplate(dir, label);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return badRequest(
      `${error.message.replace(/; use 'llmf generate'$/, '')}; use /v1/completions`,
      'no_chat_template',
    );
  }
}

/** Resolves with the signal that asks the server to stop. */
function stopSignal(ctx: Context): { stopped: Promise<'SIGTERM' | 'SIGINT'>; dispose(): void } {
  let resolve!: (signal: 'SIGTERM' | 'SIGINT') => void;
  const stopped = new Promise<'SIGTERM' | 'SIGINT'>((r) => {
    resolve = r;
  });
  const onTerm = () => resolve('SIGTERM');
  process.once('SIGTERM', onTerm);
  const release = ctx.onInterrupt(() => resolve('SIGINT'));
  return {
    stopped,
    dispose() {
      process.off('SIGTERM', onTerm);
      release();
    },
  };
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const option = o.model as string | undefined;
  const model = resolveModel(option, ctx.env);
  const modelId =
    (o.servedModelName as string | undefined) ??
    (option === undefined ? 'llmf-default' : existsSync(option) ? basename(model.dir) : option);
  const chatTemplate = chatTemplateOf(model.dir, model.label);
  const graceMs = ((o.shutdownTimeout as number | undefined) ?? 10) * 1000;
  const apiKey = (o.apiKey as string | undefined) ?? (ctx.env.LLMF_API_KEY || undefined);
  if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key must not be empty');

  // Listen first, so that /health answers 503 while the model loads.
  let provide!: (llm: Promise<LLM>) => void;
  const loading = new Promise<LLM>((resolve) => {
    provide = (llm) => resolve(llm);
  });
  const signals = stopSignal(ctx);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      model: loading,
      modelId,
      chatTemplate,
      host: (o.host as string | undefined) ?? '127.0.0.1',
      port: (o.port as number | undefined) ?? 8080,
      maxQueue: (o.maxQueue as number | undefined) ?? 8,
      apiKey,
      maxBodyBytes: o.maxBody as number | undefined,
      log: ctx.verbose ? (line) => note(ctx, ctx.err.dim(line)) : undefined,
    });
  } catch (error) {
    signals.dispose();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        `port ${String(o.port ?? 8080)} is in use; pick another with --port (0 picks a free one)`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(`cannot listen on '${String(o.host)}': not an address of this machine`);
    throw error;
  }
  note(
    ctx,
    `llmf serve: listening on ${server.url} (OpenAI base URL ${server.url}/v1), loading ${model.label}`,
  );

  const llmPromise = loadLlm(model.dir, {
    backend: o.backend as BackendName | undefined,
    threads: o.threads as number | undefined,
    progressStream: ctx.stderr,
  });
  provide(llmPromise);
  let llm: LLM;
  try {
    const first = await Promise.race([llmPromise, signals.stopped]);
    if (typeof first === 'string') {
      // stopped while loading: wait for the load to end so its memory is released
      await server.close(0);
      (await llmPromise.catch(() => undefined))?.dispose();
      signals.dispose();
      return first === 'SIGTERM' ? exitCode.ok : exitCode.interrupted;
    }
    llm = first;
  } catch (error) {
    await server.close(0);
    signals.dispose();
    throw error;
  }
  const template =
    'render' in chatTemplate ? 'chat template found' : 'no chat template (chat endpoint disabled)';
  note(
    ctx,
    `llmf serve: ready: '${modelId}', ${llm.contextLength}-token context, ${llm.backendName} backend, ${template}`,
  );

  const signal = await signals.stopped;
  note(ctx, `llmf serve: ${signal}: finishing running requests (at most ${graceMs / 1000} s)`);
  try {
    await server.close(graceMs);
  } finally {
    signals.dispose();
    llm.dispose();
  }
  note(ctx, 'llmf serve: stopped');
  return signal === 'SIGTERM' ? exitCode.ok : exitCode.interrupted;
}

export const serve: Command = { spec, run };
