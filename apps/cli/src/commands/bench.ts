// `llmf bench`: how fast a model prefills a prompt and decodes new tokens on this machine.

import { resourceUsage } from 'node:process';
import type { BackendName } from '@llmf/runtime-wasm';
import type { CommandSpec, ParsedArgs } from '../args';
import type { Command, Context } from '../context';
import { CliError, exitCode, UsageError } from '../errors';
import { resolveModel } from '../model';
import { ProgressBar } from '../progress';
import { loadLlm, type TokenizerLike } from '../runtime';
import { round, statsOf } from './generate';
import { modelOptions } from './shared-options';

const spec: CommandSpec = {
  name: 'bench',
  summary: 'Measure load time, prefill and decode tokens/s, and peak memory.',
  usage: 'bench [options]',
  description:
    'Each run prefills a prompt of --prompt-tokens tokens, then decodes greedily up to --gen-tokens tokens\n' +
    '(fewer if the model emits its end-of-sequence token). Reports the median over --runs runs; decode\n' +
    'tok/s counts the tokens after the first, which comes out of the prefill pass.',
  positionals: { min: 0, max: 0, name: '' },
  options: [
    ...modelOptions,
    {
      name: 'prompt-tokens',
      short: 'p',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Prompt length in tokens.',
      defaultText: '64',
    },
    {
      name: 'gen-tokens',
      short: 'g',
      type: 'integer',
      value: 'M',
      min: 1,
      description: 'Tokens to generate.',
      defaultText: '32',
    },
    {
      name: 'runs',
      type: 'integer',
      value: 'R',
      min: 1,
      max: 100,
      description: 'Runs to take the median of.',
      defaultText: '3',
    },
    {
      name: 'json',
      type: 'boolean',
      description: 'Print exactly one JSON object (prefill_tok_s, decode_tok_s, ...).',
    },
  ],
  examples: [
    'llmf bench --prompt-tokens 64 --gen-tokens 32',
    'llmf bench --model ./my-model --prompt-tokens 512 --gen-tokens 128 --threads 4 --json',
  ],
};

const filler =
  'The cat sat on the mat. It looked at the dog, and the dog looked back. Then the sun went down over the hills. ';

/** `n` prompt token ids made from repeated English text. */
export function benchPrompt(tokenizer: TokenizerLike, n: number): number[] {
  const unit = tokenizer.encode(filler);
  if (unit.length === 0) throw new CliError('the tokenizer produced no tokens for the benchmark text');
  const ids: number[] = [];
  while (ids.length < n) ids.push(...unit);
  return ids.slice(0, n);
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const promptTokens = (o.promptTokens as number | undefined) ?? 64;
  const genTokens = (o.genTokens as number | undefined) ?? 32;
  const runs = (o.runs as number | undefined) ?? 3;
  const backend = o.backend as BackendName | undefined;
  const threads = o.threads as number | undefined;
  const model = resolveModel(o.model as string | undefined, ctx.env);

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  sampler.unref();
  const tLoad = performance.now();
  const llm = await loadLlm(model.dir, { backend, threads, progressStream: ctx.stderr });
  const loadMs = performance.now() - tLoad;
  try {
    const context = llm.contextLength;
    if (promptTokens + genTokens > context) {
      throw new UsageError(
        `--prompt-tokens + --gen-tokens = ${promptTokens + genTokens} exceeds the model's context of ${context}`,
      );
    }
    const ids = benchPrompt(llm.tokenizer, promptTokens);
    const bar = new ProgressBar(ctx.stderr, 'bench', runs);
    const prefill: number[] = [];
    const decode: number[] = [];
    const generated: number[] = [];
    let cachedTokens = 0;
    try {
      // Ctrl-C keeps Node's default here (the process ends at once): timings are only printed when complete.
      for (let r = 0; r < runs; r++) {
        bar.update(r);
        const t0 = performance.now();
        let tFirst = t0;
        let count = 0;
        llm.resetCache(); // every run prefills the whole prompt (no prefix reused from the run before)
        const generation = llm.generate(ids, { maxTokens: genTokens, temperature: 0 });
        for await (const _ of generation) {
          if (count === 0) tFirst = performance.now();
          count++;
        }
        const stats = statsOf(promptTokens, count, t0, tFirst, performance.now());
        prefill.push(stats.prefillTokS);
        decode.push(stats.decodeTokS);
        generated.push(count);
        cachedTokens = Math.max(cachedTokens, generation.stats.cachedTokens);
      }
    } finally {
      bar.done();
    }
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss, resourceUsage().maxRSS * 1024);
    const result = {
      model: model.label,
      backend: llm.backendName,
      threads: threads ?? null,
      prompt_tokens: promptTokens,
      // prompt tokens any run took from the KV cache instead of prefilling them (0: every run prefilled all)
      cached_tokens: cachedTokens,
      gen_tokens: median(generated),
      runs,
      load_ms: round(loadMs),
      prefill_tok_s: round(median(prefill)),
      decode_tok_s: round(median(decode)),
      peak_rss_mb: round(peakRss / 1e6),
    };
    if (o.json === true) {
      ctx.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const rows: [string, string][] = [
        ['model', result.model],
        ['backend', `${llm.backendName}${threads ? `, ${threads} threads` : ''}`],
        ['load', `${result.load_ms} ms`],
        ['prefill', `${result.prefill_tok_s} tok/s (${promptTokens} prompt tokens)`],
        ['decode', `${result.decode_tok_s} tok/s (${result.gen_tokens} tokens)`],
        ['peak memory', `${result.peak_rss_mb} MB RSS`],
        ['runs', `${runs} (medians)`],
      ];
      for (const [k, v] of rows) ctx.stdout.write(`${k.padEnd(12)} ${v}\n`);
    }
    return exitCode.ok;
  } finally {
    clearInterval(sampler);
    llm.dispose();
  }
}

export const bench: Command = { spec, run };
