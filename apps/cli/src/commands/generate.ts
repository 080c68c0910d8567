// `llmf generate [PROMPT|-]`: stream a continuation of the prompt to stdout, token by token.

import type { BackendName } from '@llmf/runtime-wasm';
import type { CommandSpec, ParsedArgs } from '../args';
import { type Command, type Context, note } from '../context';
import { CliError, exitCode, UsageError } from '../errors';
import { resolveModel } from '../model';
import { type LLM, loadLlm } from '../runtime';
import { readStdin, yieldToEventLoop } from '../terminal';
import { generationOptions, modelOptions, samplingFrom, stopStrings } from './shared-options';

const spec: CommandSpec = {
  name: 'generate',
  summary: 'Continue a prompt, streaming tokens to stdout as they are sampled.',
  usage: 'generate [PROMPT|-] [options]',
  description:
    'The prompt is the argument, or stdin when the argument is `-` or absent and stdin is not a terminal.\n' +
    'Ctrl-C stops generation; what was produced stays printed (exit code 130).',
  positionals: { min: 0, max: 1, name: 'PROMPT' },
  options: [
    ...modelOptions,
    ...generationOptions,
    { name: 'echo', type: 'boolean', description: 'Print the prompt before the generated text.' },
    {
      name: 'stats',
      type: 'boolean',
      description: 'Print token counts, prefill/decode tok/s and the seed on stderr.',
    },
    {
      name: 'json',
      type: 'boolean',
      description: 'Print one JSON object (text, ids, stats) instead of streaming.',
    },
  ],
  examples: [
    'llmf generate "The cat sat on the" --max-tokens 40 --stats',
    'echo "Once upon a time" | llmf generate --temperature 0 --max-tokens 20',
    'llmf generate "Q: 2+2=" --model ./my-model --seed 42 --stop "\\n"',
  ],
};

/** The prompt from the argument or stdin. A single trailing newline from a pipe is dropped. */
export async function readPrompt(args: ParsedArgs, ctx: Context, what = 'PROMPT'): Promise<string> {
  const [arg] = args.positionals;
  let prompt: string;
  if (arg !== undefined && arg !== '-') {
    prompt = arg;
  } else if (arg === '-' || !ctx.stdin.isTTY) {
    prompt = (await readStdin(ctx.stdin)).replace(/\r?\n$/, '');
  } else {
    throw new UsageError(`missing ${what}: give it as an argument, or pipe it on stdin`);
  }
  if (prompt.length === 0) throw new UsageError(`the ${what === 'PROMPT' ? 'prompt' : 'text'} is empty`);
  return prompt;
}

/** Check the prompt fits the context and clamp maxTokens to what is left. */
export function fitContext(llm: LLM, promptIds: number, maxTokens: number): number {
  const context = llm.contextLength;
  if (promptIds >= context) {
    throw new CliError(`the prompt is ${promptIds} tokens but the model's context is ${context}; shorten it`);
  }
  return Math.min(maxTokens, context - promptIds);
}

/** Timings of one generation. */
export interface GenerationStats {
  promptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  decodeMs: number;
  prefillTokS: number;
  decodeTokS: number;
}

/** Stats from the time the call started, the first token arrived, and the last token arrived. */
export function statsOf(
  promptTokens: number,
  generatedTokens: number,
  t0: number,
  tFirst: number,
  tEnd: number,
): GenerationStats {
  const prefillMs = tFirst - t0;
  const decodeMs = tEnd - tFirst;
  return {
    promptTokens,
    generatedTokens,
    prefillMs,
    decodeMs,
    prefillTokS: prefillMs > 0 ? (promptTokens * 1000) / prefillMs : 0,
    // The first token comes out of the prefill pass; the decode steps produce the rest.
    decodeTokS: decodeMs > 0 && generatedTokens > 1 ? ((generatedTokens - 1) * 1000) / decodeMs : 0,
  };
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const prompt = await readPrompt(args, ctx);
  const model = resolveModel(o.model as string | undefined, ctx.env);
  const sampling = samplingFrom(args);
  const stop = stopStrings(args);
  const json = o.json === true;
  const showStats = o.stats === true || ctx.verbose;

  const tLoad = performance.now();
  const llm = await loadLlm(model.dir, {
    backend: o.backend as BackendName | undefined,
    threads: o.threads as number | undefined,
    progressStream: ctx.stderr,
  });
  const loadMs = performance.now() - tLoad;
  try {
    const promptIds = llm.encodePrompt(prompt); // BOS first when the tokenizer files ask for it
    const maxTokens = fitContext(llm, promptIds.length, (o.maxTokens as number | undefined) ?? 128);

    const abort = new AbortController();
    const release = ctx.onInterrupt(() => abort.abort());
    const ids: number[] = [];
    let text = '';
    const t0 = performance.now();
    let tFirst = t0;
    if (o.echo === true && !json) ctx.stdout.write(prompt);
    const generation = llm.generate(promptIds, {
      ...sampling,
      maxTokens,
      stop,
      signal: abort.signal,
    });
    try {
      for await (const token of generation) {
        if (ids.length === 0) tFirst = performance.now();
        ids.push(token.id);
        text += token.text;
        if (!json) ctx.stdout.write(token.text);
        await yieldToEventLoop();
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    } finally {
      release();
    }
    const tEnd = performance.now();
    if (ids.length === 0) tFirst = tEnd;
    const stats = statsOf(promptIds.length, ids.length, t0, tFirst, tEnd);
    const interrupted = abort.signal.aborted;
    if (json) {
      const result = {
        model: model.label,
        prompt,
        text,
        ids,
        prompt_tokens: stats.promptTokens,
        generated_tokens: stats.generatedTokens,
        seed: sampling.seed,
        finish_reason: generation.finishReason ?? null,
        load_ms: round(loadMs),
        prefill_tok_s: round(stats.prefillTokS),
        decode_tok_s: round(stats.decodeTokS),
      };
      ctx.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      ctx.stdout.write('\n');
    }
    if (showStats) {
      const d = ctx.err.dim;
      note(
        ctx,
        d(
          `prompt    ${stats.promptTokens} tokens, prefill ${stats.prefillTokS.toFixed(1)} tok/s (${stats.prefillMs.toFixed(1)} ms)`,
        ),
      );
      note(
        ctx,
        d(
          `generated ${stats.generatedTokens} tokens, decode ${stats.decodeTokS.toFixed(1)} tok/s (${stats.decodeMs.toFixed(1)} ms), ended by ${generation.finishReason ?? 'abort'}`,
        ),
      );
      note(ctx, d(`load      ${loadMs.toFixed(0)} ms (${model.label}), seed ${sampling.seed}`));
    }
    if (interrupted) {
      note(ctx, ctx.err.yellow(`interrupted after ${ids.length} tokens`));
      return exitCode.interrupted;
    }
    return exitCode.ok;
  } finally {
    llm.dispose();
  }
}

/** Round to 0.1 for JSON output. */
export function round(x: number): number {
  return Math.round(x * 10) / 10;
}

export const generate: Command = { spec, run };
