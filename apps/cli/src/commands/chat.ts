// `llmf chat`: an interactive conversation with a model that has a chat template. Each line on stdin is
// one user turn; the reply streams to stdout. Every turn renders the whole conversation through the
// template; the LLM façade's generate() keeps the KV cache of the common prefix with the previous turn
// (prefix caching), so only what changed (the last reply as re-encoded, the new message) is prefilled.

import { createInterface } from 'node:readline';
import type { BackendName } from '@llmf/runtime-wasm';
import type { CommandSpec, ParsedArgs } from '../args';
import { type ChatMessage, loadChatTemplate } from '../chat-template';
import { type Command, type Context, note } from '../context';
import { exitCode } from '../errors';
import { resolveModel } from '../model';
import { loadLlm } from '../runtime';
import { yieldToEventLoop } from '../terminal';
import { generationOptions, modelOptions, samplingFrom, stopStrings } from './shared-options';

const spec: CommandSpec = {
  name: 'chat',
  summary: 'Talk with a chat model (one that has a chat_template) turn by turn.',
  usage: 'chat [options]',
  description:
    'Reads one user message per line from stdin (a terminal or a pipe) and streams each reply to stdout.\n' +
    'Type /reset to forget the conversation, /exit (or Ctrl-D) to leave. Ctrl-C stops the current reply.\n' +
    "The prompt is rendered with the model's tokenizer_config.json chat_template. When the conversation\n" +
    'outgrows the context, the oldest turns are dropped. Turn n samples with seed + n (--seed S).\n' +
    'The KV cache is kept between turns: each turn prefills only what is new since the previous one\n' +
    '(--verbose prints the counts).',
  positionals: { min: 0, max: 0, name: '' },
  options: [
    ...modelOptions,
    ...generationOptions,
    {
      name: 'system',
      type: 'string',
      value: 'TEXT',
      description: 'A system message that starts the conversation.',
    },
  ],
  examples: [
    'llmf chat --model HuggingFaceTB/SmolLM2-135M-Instruct',
    'printf "Hello!\\nTell me a joke.\\n" | llmf chat --model ./chat-model --seed 1',
  ],
};

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const model = resolveModel(o.model as string | undefined, ctx.env);
  const template = loadChatTemplate(model.dir, model.label);
  const sampling = samplingFrom(args);
  const userStop = stopStrings(args) ?? [];
  const llm = await loadLlm(model.dir, {
    backend: o.backend as BackendName | undefined,
    threads: o.threads as number | undefined,
    progressStream: ctx.stderr,
  });
  const system = o.system as string | undefined;
  const start: ChatMessage[] = system ? [{ role: 'system', content: system }] : [];
  let messages: ChatMessage[] = [...start];
  const stop = [...userStop, ...(template.eosToken ? [template.eosToken] : [])];
  const maxTokens = (o.maxTokens as number | undefined) ?? 256;
  const context: number | undefined = llm.contextLength;
  const interactive = ctx.stdin.isTTY === true;
  if (ctx.verbose) note(ctx, ctx.err.dim(`seed ${sampling.seed}`));

  const rl = createInterface({
    input: ctx.stdin,
    output: interactive ? (ctx.stderr as NodeJS.WritableStream) : undefined,
    terminal: interactive,
  });
  rl.setPrompt(interactive ? ctx.err.cyan('> ') : '');
  let current: AbortController | undefined;
  // Ctrl-C stops a reply in progress; at the prompt it ends the session.
  const interrupt = () => (current ? current.abort() : rl.close());
  rl.on('SIGINT', interrupt);
  const release = ctx.onInterrupt(interrupt);
  let turn = 0;
  try {
    if (interactive) {
      note(ctx, ctx.err.dim(`chatting with ${model.label}; /reset clears, /exit or Ctrl-D leaves`));
      rl.prompt();
    }
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/exit' || line === '/quit') break;
      if (line === '/reset') {
        messages = [...start];
        if (interactive) note(ctx, ctx.err.dim('(conversation cleared)'));
      } else if (line.length > 0) {
        messages.push({ role: 'user', content: line });
        // Drop the oldest exchanges (keeping the system message) until the rendered prompt fits.
        // subtle: not llm.encodePrompt — the template writes the BOS text itself where the model wants it
        // (transformers encodes chat templates without adding special tokens).
        let ids = llm.tokenizer.encode(template.render(messages), { allowedSpecial: 'all' });
        while (context !== undefined && ids.length >= context && messages.length > start.length + 1) {
          messages.splice(start.length, 1);
          ids = llm.tokenizer.encode(template.render(messages), { allowedSpecial: 'all' });
        }
        if (context !== undefined && ids.length >= context) {
          note(
            ctx,
            `llmf: this message is ${ids.length} tokens with the template; the context is ${context}`,
          );
          messages.pop();
        } else {
          current = new AbortController();
          let reply = '';
          const budget = context === undefined ? maxTokens : Math.min(maxTokens, context - ids.length);
          const generation = llm.generate(ids, {
            ...sampling,
            seed: (sampling.seed + turn) >>> 0,
            maxTokens: budget,
            stop,
            signal: current.signal,
          });
          try {
            for await (const token of generation) {
              reply += token.text;
              ctx.stdout.write(token.text);
              await yieldToEventLoop();
            }
          } catch (error) {
            if (!current.signal.aborted) throw error;
          }
          ctx.stdout.write('\n');
          if (ctx.verbose) {
            const { promptTokens, cachedTokens, prefillTokens } = generation.stats;
            note(
              ctx,
              ctx.err.dim(
                `prompt ${promptTokens} tokens: ${cachedTokens} from the KV cache, ${prefillTokens} prefilled`,
              ),
            );
          }
          for (const s of stop) if (reply.endsWith(s)) reply = reply.slice(0, -s.length);
          messages.push({ role: 'assistant', content: reply.trim() });
          current = undefined;
          turn++;
        }
      }
      if (interactive) rl.prompt();
    }
  } finally {
    release();
    rl.close();
    llm.dispose();
  }
  return exitCode.ok;
}

export const chat: Command = { spec, run };
