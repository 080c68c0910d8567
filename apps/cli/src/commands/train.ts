// `llmf train FILE... -o DIR`: the whole pre-training pipeline from text (seed "What's Next", stage 2):
//   corpus files → byte-level BPE tokenizer (trainBPE) → token ids → GPT-2 trained by @llmf/train → a
//   Hugging Face folder that `llmf generate --model DIR` loads.
// Ctrl-C stops after the current step, saves a resumable checkpoint and exits 130; `--resume DIR` continues
// the run with the settings it was started with (trainer_state.json), so the result equals an uninterrupted run.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackendName } from '@llmf/runtime-wasm';
import type { Backend } from '@llmf/tensor';
import type { Tokenizer } from '@llmf/tokenizer';
import type { TrainProgress } from '@llmf/train';
import { type CommandSpec, camelCase, type ParsedArgs } from '../args';
import { type Command, type Context, note } from '../context';
import { CliError, exitCode, UsageError } from '../errors';
import { ProgressBar } from '../progress';
import { readStdin } from '../terminal';

/** The end-of-text token added to every tokenizer this command trains; it separates the corpus files. */
const endOfText = '<|endoftext|>';

const defaults = {
  vocabSize: 2048,
  layers: 4,
  dModel: 128,
  heads: 4,
  context: 128,
  steps: 1000,
  batchSize: 8,
  lr: 1e-3,
  seed: 1337,
  checkpointEvery: 100,
  evalEvery: 100,
};

const spec: CommandSpec = {
  name: 'train',
  summary: 'Train a GPT-2 model (and its BPE tokenizer) on text files; save it as a model folder.',
  usage: 'train FILE... -o DIR [options]',
  description:
    'Trains a byte-level BPE tokenizer on the files (unless --tokenizer gives one), encodes them (files are\n' +
    `separated by ${endOfText}), holds out the last 10% of tokens for validation, and trains a GPT-2 model\n` +
    'with AdamW (warmup, then cosine decay; gradient clipping at 1). `-` reads a file from stdin. The\n' +
    'folder written to -o is what `llmf generate --model DIR` loads, and a checkpoint to resume from.\n' +
    'Ctrl-C stops after the current step, saves a checkpoint and prints how to resume (exit code 130);\n' +
    '--resume continues with the settings the run was started with, unless options override them.',
  positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'FILE (the training text)' },
  options: [
    {
      name: 'output',
      short: 'o',
      type: 'string',
      value: 'DIR',
      description: 'Folder for the model and its checkpoints.',
      defaultText: 'the --resume folder',
    },
    {
      name: 'vocab-size',
      type: 'integer',
      value: 'N',
      min: 1,
      description: `Tokens of the trained tokenizer: 256 bytes + merges + ${endOfText}.`,
      defaultText: String(defaults.vocabSize),
    },
    {
      name: 'tokenizer',
      type: 'string',
      value: 'FILE',
      description: 'Use this tokenizer.json instead of training one.',
    },
    {
      name: 'layers',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Transformer blocks.',
      defaultText: String(defaults.layers),
    },
    {
      name: 'd-model',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Width of the residual stream (embedding size).',
      defaultText: String(defaults.dModel),
    },
    {
      name: 'heads',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Attention heads (must divide --d-model).',
      defaultText: String(defaults.heads),
    },
    {
      name: 'context',
      type: 'integer',
      value: 'N',
      min: 2,
      description: 'Context length: positions of the model and tokens per training sequence.',
      defaultText: String(defaults.context),
    },
    {
      name: 'steps',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Total optimizer steps (with --resume: the step to continue to).',
      defaultText: String(defaults.steps),
    },
    {
      name: 'batch-size',
      type: 'integer',
      value: 'N',
      min: 1,
      description: 'Sequences per step.',
      defaultText: String(defaults.batchSize),
    },
    {
      name: 'lr',
      type: 'number',
      value: 'X',
      above: 0,
      description: 'Peak learning rate (decays to a tenth of it).',
      defaultText: String(defaults.lr),
    },
    {
      name: 'warmup',
      type: 'integer',
      value: 'N',
      min: 0,
      description: 'Steps of linear learning-rate warmup.',
      defaultText: '5% of --steps',
    },
    {
      name: 'seed',
      short: 's',
      type: 'integer',
      value: 'S',
      min: 0,
      max: 0xffffffff,
      description: 'Seed of the weight init and the batch sampling.',
      defaultText: String(defaults.seed),
    },
    {
      name: 'backend',
      type: 'string',
      value: 'NAME',
      choices: ['wasm', 'js'],
      description: 'Kernels of the matrix products: WebAssembly SIMD, or the plain TypeScript reference.',
      defaultText: 'wasm',
    },
    {
      name: 'threads',
      type: 'integer',
      value: 'K',
      min: 1,
      max: 256,
      description: 'Worker threads of the wasm backend.',
      defaultText: '1',
    },
    {
      name: 'checkpoint-every',
      type: 'integer',
      value: 'N',
      min: 0,
      description: 'Save a checkpoint every N steps (0: only at the end and on Ctrl-C).',
      defaultText: String(defaults.checkpointEvery),
    },
    {
      name: 'eval-every',
      type: 'integer',
      value: 'N',
      min: 0,
      description: 'Measure the validation loss every N steps and at the end (0: never).',
      defaultText: String(defaults.evalEvery),
    },
    {
      name: 'resume',
      type: 'string',
      value: 'DIR',
      description: 'Continue the run saved in DIR (weights, optimizer state, step, sampling state).',
    },
    { name: 'json', type: 'boolean', description: 'Print one JSON object summary at the end.' },
  ],
  examples: [
    'llmf train corpus.txt -o my-model --steps 2000',
    'llmf train a.txt b.txt -o tiny --vocab-size 512 --layers 2 --d-model 64 --heads 4 --context 64',
    'llmf train corpus.txt --resume my-model',
    'llmf generate "Once upon a time" --model my-model',
  ],
};

/** The run's settings after defaults, the resumed run's record and the command line are combined. */
interface Settings {
  steps: number;
  batchSize: number;
  seqLen: number;
  lr: number;
  minLr?: number;
  warmup?: number;
  seed: number;
  validationFraction: number;
}

/** Options that would change the model or its tokenizer, which a resumed checkpoint fixes. */
const fixedByCheckpoint = ['vocab-size', 'tokenizer', 'layers', 'd-model', 'heads', 'context'];

/** 65_000 ms → '1:05'; 3_723_000 → '1:02:03'. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** One progress report as text: 'step 10/400 loss 4.1234 val 4.3012 1234 tok/s ETA 0:32'. */
export function describeStep(p: TrainProgress, valLoss: number): string {
  const val = Number.isNaN(valLoss) ? '' : ` val ${valLoss.toFixed(4)}`;
  return (
    `step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)}${val} ` +
    `${p.tokensPerSecond.toFixed(0)} tok/s ETA ${formatDuration(p.etaMs)}`
  );
}

/** A word quoted for sh when it needs it (for the printed resume command). */
function shellWord(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

async function readText(file: string, ctx: Context): Promise<string> {
  try {
    return file === '-' ? await readStdin(ctx.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code ?? (error as Error).message}`);
  }
}

async function readJsonFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code ?? (error as Error).message}`);
  }
}

/** The settings the resumed run was started with, from its trainer_state.json. */
async function resumedRecord(dir: string): Promise<{ step: number; options: Record<string, unknown> }> {
  const file = join(dir, 'trainer_state.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`${dir} has no trainer_state.json: it is not a checkpoint of 'llmf train' to resume`);
  }
  try {
    const state = JSON.parse(text) as { step?: unknown; options?: Record<string, unknown> };
    if (typeof state.step !== 'number') throw new Error('no step');
    return { step: state.step, options: state.options ?? {} };
  } catch {
    throw new CliError(`${file} is not a trainer state written by 'llmf train'; train into a new folder`);
  }
}

async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const o = args.options;
  const resume = o.resume as string | undefined;
  const output = (o.output as string | undefined) ?? resume;
  if (output === undefined) throw new UsageError('-o/--output DIR is required');
  if (resume !== undefined) {
    const clash = fixedByCheckpoint.find((name) => o[camelCase(name)] !== undefined);
    if (clash) throw new UsageError(`--${clash} cannot be changed when resuming: the checkpoint fixes it`);
  } else if (o.vocabSize !== undefined && o.tokenizer !== undefined) {
    throw new UsageError('give --vocab-size (to train a tokenizer) or --tokenizer (to use one), not both');
  }
  const dModel = (o.dModel as number | undefined) ?? defaults.dModel;
  const heads = (o.heads as number | undefined) ?? defaults.heads;
  if (dModel % heads !== 0) {
    throw new UsageError(`--heads ${heads} must divide --d-model ${dModel} (each head gets d-model / heads)`);
  }
  const requestedVocab = (o.vocabSize as number | undefined) ?? defaults.vocabSize;
  if (resume === undefined && o.tokenizer === undefined && requestedVocab < 257) {
    throw new UsageError(
      `--vocab-size must be at least 257: the 256 bytes + ${endOfText} (got ${requestedVocab})`,
    );
  }
  if (resume === undefined && existsSync(join(output, 'trainer_state.json'))) {
    throw new UsageError(
      `${output} already holds a training run; continue it with --resume ${output}, or choose another -o`,
    );
  }

  const texts: string[] = [];
  for (const file of args.positionals) texts.push(await readText(file, ctx));
  if (texts.every((t) => t.length === 0)) throw new UsageError('the corpus is empty');

  const record = resume !== undefined ? await resumedRecord(resume) : undefined;
  const saved = record?.options ?? {};
  const num = (key: string): number | undefined => {
    const v = saved[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const context = record
    ? (num('seqLen') ?? defaults.context)
    : ((o.context as number | undefined) ?? defaults.context);
  const settings: Settings = {
    steps: (o.steps as number | undefined) ?? num('steps') ?? defaults.steps,
    batchSize: (o.batchSize as number | undefined) ?? num('batchSize') ?? defaults.batchSize,
    seqLen: context,
    lr: (o.lr as number | undefined) ?? num('maxLr') ?? defaults.lr,
    minLr: o.lr === undefined ? num('minLr') : undefined,
    warmup: (o.warmup as number | undefined) ?? num('warmupSteps'),
    seed: (o.seed as number | undefined) ?? num('seed') ?? defaults.seed,
    validationFraction: num('validationFraction') ?? 0.1,
  };
  if (record && settings.steps <= record.step) {
    throw new UsageError(
      `--steps ${settings.steps} must be more than the ${record.step} steps already done in ${resume}`,
    );
  }

  const startStep = record?.step ?? 0;
  const t0 = performance.now();
  const { Tokenizer: TokenizerClass, trainBPE } = await import('@llmf/tokenizer');
  // The tokenizer: the resumed run's, a given tokenizer.json, or one trained here (seed §1).
  let tokenizer: Tokenizer;
  let trainedTokenizer = false;
  const tokenizerFile =
    resume !== undefined ? join(resume, 'tokenizer.json') : (o.tokenizer as string | undefined);
  if (tokenizerFile !== undefined) {
    const text = await readJsonFile(tokenizerFile);
    try {
      tokenizer = TokenizerClass.fromHuggingFace(text);
    } catch (error) {
      throw new UsageError(`${tokenizerFile} is not a usable tokenizer.json: ${(error as Error).message}`);
    }
  } else {
    const merges = requestedVocab - 257;
    const bar = new ProgressBar(ctx.stderr, 'tokenizer merges', merges);
    tokenizer = trainBPE(texts, {
      vocabSize: requestedVocab,
      specialTokens: [endOfText],
      onMerge: (m) => bar.update(m.step),
    });
    bar.done();
    trainedTokenizer = true;
  }

  // Encode each file; <|endoftext|> between files marks the document boundaries, as in GPT-2's data.
  const eosIds = tokenizer.encode(endOfText, { allowedSpecial: [endOfText] });
  const eos = eosIds.length === 1 ? eosIds[0] : undefined;
  const tokens: number[] = [];
  for (const text of texts) {
    if (text.length === 0) continue;
    if (tokens.length > 0 && eos !== undefined) tokens.push(eos);
    // A special token written in the text (a document separator already in the corpus) is that token.
    for (const id of tokenizer.encode(text, { allowedSpecial: 'all' })) tokens.push(id);
  }
  const tokenizeMs = performance.now() - t0;
  const T = settings.seqLen;
  // DataLoader: the training part (first 90%) and the validation part (last 10%) each need T + 1 tokens.
  const needed =
    Math.ceil((T + 1) / Math.min(settings.validationFraction || 1, 1 - settings.validationFraction)) + 1;
  if (tokens.length < needed) {
    throw new UsageError(
      `the corpus is ${tokens.length} tokens; with --context ${T} it needs at least ${needed} ` +
        `(the last 10% is held out for validation and must exceed the context); give more text or a smaller --context`,
    );
  }
  note(
    ctx,
    `corpus ${texts.reduce((n, t) => n + t.length, 0)} characters → ${tokens.length} tokens ` +
      `(vocabulary ${tokenizer.vocabSize}${trainedTokenizer ? ', tokenizer trained' : ''}) in ${(tokenizeMs / 1000).toFixed(1)} s`,
  );
  if (eos === undefined) {
    note(
      ctx,
      `note: the tokenizer has no ${endOfText}; files are joined without a separator and config.json names id ${tokenizer.vocabSize - 1} as end of text`,
    );
  }

  const { train } = await import('@llmf/train');
  const { selectBackend } = await import('@llmf/runtime-wasm');
  let backend: Backend;
  try {
    backend = await selectBackend(
      ((o.backend as BackendName | undefined) ?? 'wasm') as BackendName,
      o.threads as number | undefined,
    );
  } catch (error) {
    throw new CliError(
      `cannot start the ${String(o.backend ?? 'wasm')} backend: ${(error as Error).message}`,
    );
  }

  const json = o.json === true;
  const abort = new AbortController();
  const bar = new ProgressBar(ctx.stderr, 'training', settings.steps);
  const logLines = !bar.enabled || ctx.verbose;
  let valLoss = Number.NaN;
  let firstLoss = Number.NaN;
  let last: TrainProgress | undefined;
  const release = ctx.onInterrupt(() => {
    abort.abort();
    bar.done();
    note(ctx, ctx.err.yellow('stopping after this step; saving a checkpoint (Ctrl-C again quits at once)'));
  });
  const tTrain = performance.now();
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train({
      tokens,
      ...(resume !== undefined
        ? { resumeFrom: resume }
        : {
            config: {
              vocabSize: tokenizer.vocabSize,
              nPositions: T,
              nEmbd: dModel,
              nLayer: (o.layers as number | undefined) ?? defaults.layers,
              nHead: heads,
              ...(eos !== undefined ? { eosTokenId: eos } : {}),
            },
          }),
      tokenizer: tokenizer.toHuggingFace(),
      steps: settings.steps,
      batchSize: settings.batchSize,
      seqLen: T,
      learningRate: settings.lr,
      ...(settings.minLr !== undefined ? { minLearningRate: settings.minLr } : {}),
      ...(settings.warmup !== undefined ? { warmupSteps: settings.warmup } : {}),
      validationFraction: settings.validationFraction,
      evalEvery: (o.evalEvery as number | undefined) ?? defaults.evalEvery,
      checkpointDir: output,
      checkpointEvery: (o.checkpointEvery as number | undefined) ?? defaults.checkpointEvery,
      seed: settings.seed,
      backend,
      signal: abort.signal,
      onStep(p) {
        last = p;
        if (Number.isNaN(firstLoss)) firstLoss = p.loss;
        if (abort.signal.aborted) return;
        if (logLines) {
          if (ctx.verbose || p.step % 10 === 0 || p.step === p.steps || p.step === startStep + 1) {
            note(ctx, describeStep(p, valLoss));
          }
        } else {
          bar.update(p.step, p.steps, describeStep(p, valLoss));
        }
      },
      onEval(e) {
        valLoss = e.valLoss;
        if (logLines && !abort.signal.aborted) {
          note(
            ctx,
            `step ${e.step} val loss ${e.valLoss.toFixed(4)} (perplexity ${Math.exp(e.valLoss).toFixed(2)})`,
          );
        }
      },
    });
  } catch (error) {
    throw new CliError(`training failed: ${(error as Error).message}`);
  } finally {
    release();
    bar.done();
    backend.dispose();
  }
  const seconds = (performance.now() - tTrain) / 1000;
  const perplexity = Number.isNaN(result.valLoss) ? undefined : Math.exp(result.valLoss);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);

  if (json) {
    const summary = {
      output,
      step: result.step,
      steps: settings.steps,
      interrupted: result.aborted,
      resumed_from_step: record ? startStep : null,
      first_loss: finite(firstLoss),
      train_loss: finite(result.trainLoss),
      val_loss: finite(result.valLoss),
      perplexity: perplexity ?? null,
      parameters: result.parameters,
      vocab_size: tokenizer.vocabSize,
      corpus_tokens: tokens.length,
      tokens_per_second: last ? Math.round(last.tokensPerSecond) : 0,
      seconds: Math.round(seconds * 10) / 10,
      backend: backend.name,
    };
    ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const val =
      perplexity === undefined
        ? 'no validation loss yet'
        : `val loss ${result.valLoss.toFixed(4)} (perplexity ${perplexity.toFixed(2)})`;
    ctx.stdout.write(
      `trained steps ${startStep + 1}–${result.step} of ${settings.steps} in ${seconds.toFixed(1)} s` +
        `${last ? ` (${last.tokensPerSecond.toFixed(0)} tok/s)` : ''}, ${result.parameters.toLocaleString('en-US')} parameters\n` +
        `train loss ${Number.isFinite(result.trainLoss) ? result.trainLoss.toFixed(4) : '—'}, ${val}\n` +
        `model → ${output}  (llmf generate --model ${shellWord(output)})\n`,
    );
  }
  if (result.aborted) {
    const files = args.positionals.map(shellWord).join(' ');
    note(
      ctx,
      ctx.err.yellow(`interrupted at step ${result.step}/${settings.steps}; checkpoint saved in ${output}`),
    );
    note(ctx, `resume with: llmf train ${files} --resume ${shellWord(output)}`);
    return exitCode.interrupted;
  }
  return exitCode.ok;
}

export const trainCommand: Command = { spec, run };
