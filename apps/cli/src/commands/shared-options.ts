// Options shared by the commands that load a model and sample from it.

import { randomInt } from 'node:crypto';

import type { OptionSpec, ParsedArgs } from '../args';
import { UsageError } from '../errors';
import type { GenerateOptions } from '../runtime';

export const modelOptions: OptionSpec[] = [
  {
    name: 'model',
    short: 'm',
    type: 'string',
    value: 'DIR|REPO',
    description: 'Model folder, or a Hugging Face repo id fetched with `llmf pull`.',
    defaultText: 'the embedded default model',
  },
  {
    name: 'backend',
    type: 'string',
    value: 'NAME',
    choices: ['wasm', 'js'],
    description: 'Kernels: WebAssembly SIMD, or the plain TypeScript reference.',
    defaultText: "the runtime's default",
  },
  {
    name: 'threads',
    type: 'integer',
    value: 'N',
    min: 1,
    max: 256,
    description: 'Worker threads for the kernels.',
  },
];

export const samplingOptions: OptionSpec[] = [
  {
    name: 'temperature',
    short: 't',
    type: 'number',
    value: 'T',
    min: 0,
    description: 'Divide the logits by T; 0 is greedy.',
    defaultText: '0.8',
  },
  {
    name: 'top-k',
    type: 'integer',
    value: 'K',
    min: 0,
    description: 'Keep the K most probable tokens; 0 keeps all.',
    defaultText: '40',
  },
  {
    name: 'top-p',
    type: 'number',
    value: 'P',
    above: 0,
    max: 1,
    description: 'Keep the smallest set of tokens reaching probability P.',
    defaultText: '0.95',
  },
  {
    name: 'min-p',
    type: 'number',
    value: 'P',
    min: 0,
    max: 1,
    description: 'Drop tokens below P × the top probability.',
    defaultText: '0',
  },
  {
    name: 'repetition-penalty',
    type: 'number',
    value: 'R',
    above: 0,
    description: 'Penalise tokens already seen (> 1 discourages repeats).',
    defaultText: '1',
  },
  {
    name: 'seed',
    short: 's',
    type: 'integer',
    value: 'S',
    min: 0,
    max: 0xffffffff,
    description: 'Random seed, for reproducible samples.',
    defaultText: 'random, printed with --stats',
  },
];

export const generationOptions: OptionSpec[] = [
  {
    name: 'max-tokens',
    short: 'n',
    type: 'integer',
    value: 'N',
    min: 1,
    description: 'Stop after N new tokens.',
    defaultText: '128',
  },
  ...samplingOptions,
  {
    name: 'stop',
    type: 'string',
    multiple: true,
    value: 'TEXT',
    description: 'Stop when the output contains TEXT (\\n and \\t are read as newline and tab).',
  },
];

/** The sampling settings of a parsed command line, with defaults filled in and a seed chosen. */
export function samplingFrom(args: ParsedArgs): Required<
  Pick<GenerateOptions, 'temperature' | 'topP' | 'minP' | 'repetitionPenalty' | 'seed'>
> & {
  topK: number | undefined;
} {
  const o = args.options;
  return {
    temperature: (o.temperature as number | undefined) ?? 0.8,
    // top-k 0 means no limit: the sampler then gets no topK at all.
    topK: ((o.topK as number | undefined) ?? 40) || undefined,
    topP: (o.topP as number | undefined) ?? 0.95,
    minP: (o.minP as number | undefined) ?? 0,
    repetitionPenalty: (o.repetitionPenalty as number | undefined) ?? 1,
    seed: (o.seed as number | undefined) ?? randomInt(0, 0xffffffff),
  };
}

/** `--stop` values with the escapes \n, \t and \\ turned into the characters they name. */
export function stopStrings(args: ParsedArgs): string[] | undefined {
  const values = args.options.stop as string[] | undefined;
  if (values?.includes('')) throw new UsageError('--stop needs a non-empty TEXT');
  return values?.map((v) =>
    v.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\')),
  );
}
