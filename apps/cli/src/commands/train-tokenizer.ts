// `llmf train-tokenizer FILES -o tokenizer.json`: learn a BPE vocabulary (seed §1) and save it in the
// Hugging Face tokenizer.json format.

import { readFile, writeFile } from 'node:fs/promises';
import type { CommandSpec, ParsedArgs } from '../args';
import { type Command, type Context, note } from '../context';
import { CliError, exitCode, UsageError } from '../errors';
import { ProgressBar } from '../progress';
import type { TokenizerLike } from '../runtime';
import { readStdin } from '../terminal';

const spec: CommandSpec = {
  name: 'train-tokenizer',
  summary: 'Learn a byte-pair-encoding tokenizer from text files; save it as tokenizer.json.',
  usage: 'train-tokenizer FILE... --vocab-size N -o tokenizer.json [options]',
  description:
    'Repeatedly merges the most frequent adjacent pair of tokens until the vocabulary has N tokens.\n' +
    "Byte granularity (GPT-2 style) starts from the 256 bytes; char granularity (the seed's teaching\n" +
    'mode) starts from the characters of the corpus. `-` reads a file from stdin. With --verbose, every\n' +
    'merge is printed as "Iteration 1: Most frequent pair: (l, o) → merge into "lo"".',
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'FILE (the training text)' },
  options: [
    {
      name: 'vocab-size',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Tokens in the vocabulary (base + merges + special).',
    },
    {
      name: 'output',
      short: 'o',
      type: 'string',
      value: 'FILE',
      description: 'Where to write tokenizer.json (`-` for stdout).',
    },
    {
      name: 'granularity',
      type: 'string',
      value: 'G',
      choices: ['byte', 'char'],
      description: 'Base alphabet.',
      defaultText: 'byte',
    },
    {
      name: 'special',
      type: 'string',
      multiple: true,
      value: 'TOKEN',
      description: 'A special token to reserve, e.g. "<|endoftext|>".',
    },
  ],
  examples: [
    'llmf train-tokenizer corpus.txt --vocab-size 1024 -o tokenizer.json',
    'echo "low lower lowest lowly" | llmf train-tokenizer - --vocab-size 12 --granularity char -o - --verbose',
  ],
};

interface TrainedTokenizer extends TokenizerLike {
  toHuggingFace(): object;
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const vocabSize = o.vocabSize as number | undefined;
  const output = o.output as string | undefined;
  if (vocabSize === undefined) throw new UsageError('--vocab-size N is required');
  if (output === undefined) throw new UsageError('-o/--output FILE is required');
  const granularity = (o.granularity as 'byte' | 'char' | undefined) ?? 'byte';
  const texts: string[] = [];
  for (const file of args.positionals) {
    try {
      texts.push(file === '-' ? await readStdin(ctx.stdin) : await readFile(file, 'utf8'));
    } catch (error) {
      throw new CliError(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  const { trainBPE } = (await import('@llmf/tokenizer')) as unknown as {
    trainBPE(
      corpus: Iterable<string>,
      o: {
        vocabSize: number;
        granularity: 'byte' | 'char';
        specialTokens?: string[];
        onMerge(m: { step: number; pair: [string, string]; token: string; count: number }): void;
      },
    ): TrainedTokenizer;
  };
  const specials = (o.special as string[] | undefined) ?? [];
  const merges = granularity === 'byte' ? Math.max(0, vocabSize - 256 - specials.length) : undefined;
  const bar = new ProgressBar(ctx.stderr, 'merges', merges);
  let steps = 0;
  const t0 = performance.now();
  const tokenizer = trainBPE(texts, {
    vocabSize,
    granularity,
    ...(specials.length > 0 ? { specialTokens: specials } : {}),
    onMerge(m) {
      steps = m.step;
      if (ctx.verbose) {
        bar.done();
        note(
          ctx,
          `Iteration ${m.step}: Most frequent pair: (${m.pair[0]}, ${m.pair[1]}) → merge into "${m.token}" (${m.count}×)`,
        );
      } else {
        bar.update(m.step);
      }
    },
  });
  bar.done();
  const json = `${JSON.stringify(tokenizer.toHuggingFace(), null, 2)}\n`;
  if (output === '-') ctx.stdout.write(json);
  else await writeFile(output, json);
  const seconds = ((performance.now() - t0) / 1000).toFixed(2);
  note(
    ctx,
    `${steps} merges, ${tokenizer.vocabSize} tokens in ${seconds} s${output === '-' ? '' : ` → ${output}`}`,
  );
  return exitCode.ok;
}

export const trainTokenizer: Command = { spec, run };
