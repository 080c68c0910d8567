// `llmf train` end to end, on the built binary: a tiny GPT-2 (1 block, d_model 16) trained on a small
// generated corpus. The folder it writes must load in `llmf generate`; Ctrl-C must save a checkpoint that
// `--resume` continues to the same weights, bit for bit, as the uninterrupted run.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@llmf/tokenizer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { binPath, type CliResult, runCli } from './run-cli';

let dir: string;
let corpus: string;
const steps = 300;
/** The same tiny run everywhere, so the interrupted + resumed run can be compared with the whole one. */
const tiny = (out: string) => [
  'train',
  corpus,
  '-o',
  out,
  '--vocab-size',
  '280',
  '--layers',
  '1',
  '--d-model',
  '16',
  '--heads',
  '2',
  '--context',
  '16',
  '--batch-size',
  '4',
  '--lr',
  '1e-2',
  '--steps',
  String(steps),
  '--eval-every',
  '100',
  '--backend',
  'wasm',
  '--json',
];

/** A deterministic corpus of short sentences over a small vocabulary (a linear congruential generator). */
function makeCorpus(): string {
  const words = 'the cat sat on a mat and the dog ran to the log while birds sing in tall trees'.split(' ');
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const n = 6 + (next() % 8);
    lines.push(`${Array.from({ length: n }, () => words[next() % words.length]).join(' ')}.`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `llmf ...args`; `onStderr` sees the stderr text so far each time more arrives. */
function runWithStderr(
  args: string[],
  onStderr: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<CliResult> {
  const child = spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    onStderr(stderr, child);
  });
  child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmf-train-'));
  corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, makeCorpus());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmf train', () => {
  const whole = () => join(dir, 'whole');

  test('trains a model folder that llmf generate loads; the loss falls', async () => {
    const r = await runCli(tiny(whole()));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ step: steps, steps, interrupted: false, vocab_size: 280 });
    // Untrained, the loss is about ln(280) ≈ 5.6 nats; 300 steps on this 21-word language bring it far down.
    expect(summary.first_loss).toBeGreaterThan(5);
    expect(summary.train_loss).toBeLessThan(summary.first_loss - 2);
    expect(summary.val_loss).toBeLessThan(summary.first_loss - 2);
    expect(summary.perplexity).toBeCloseTo(Math.exp(summary.val_loss), 6);
    // wte 280×16 + wpe 16×16 + one block (2·LN 64 + c_attn 816 + c_proj 272 + c_fc 1088 + mlp c_proj 1040) + ln_f 32
    expect(summary.parameters).toBe(280 * 16 + 16 * 16 + 64 + 816 + 272 + 1088 + 1040 + 32);
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'trainer_state.json']) {
      expect(existsSync(join(whole(), file))).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(whole(), 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'gpt2', n_layer: 1, n_embd: 16, n_head: 2, n_positions: 16 });
    expect(config.eos_token_id).toBe(279); // <|endoftext|>, the last id of the trained tokenizer

    const g = await runCli([
      'generate',
      'the cat',
      '--model',
      whole(),
      '--max-tokens',
      '5',
      '--temperature',
      '0',
      '--json',
    ]);
    expect(g.code).toBe(0);
    const generated = JSON.parse(g.stdout);
    expect(generated.ids.length).toBeGreaterThan(0);
    expect(generated.ids.length).toBeLessThanOrEqual(5);
    // A model that learned this corpus continues with its words.
    expect(generated.text).toMatch(/^[ a-z.\n]+$/);
  });

  test('Ctrl-C saves a checkpoint, exits 130 and says how to resume; --resume ends where the whole run does', async () => {
    const out = join(dir, 'stopped');
    let sent = false;
    const r = await runWithStderr(tiny(out), (text, child) => {
      if (!sent && /step 1\/300/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const stopped = JSON.parse(r.stdout);
    expect(stopped.interrupted).toBe(true);
    expect(stopped.step).toBeGreaterThanOrEqual(1);
    expect(stopped.step).toBeLessThan(steps);
    expect(r.stderr).toContain(`interrupted at step ${stopped.step}/${steps}; checkpoint saved in ${out}`);
    expect(r.stderr).toContain(`resume with: llmf train ${corpus} --resume ${out}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const state = JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8'));
    expect(state.step).toBe(stopped.step);

    const g = await runCli(['generate', 'the', '--model', out, '--max-tokens', '5', '--temperature', '0']);
    expect(g.code).toBe(0);

    // The printed command, as printed (it takes the settings from trainer_state.json), plus --json.
    const resumeArgs = /resume with: llmf (.+)/.exec(r.stderr)![1]!.split(' ');
    const resumed = await runCli([...resumeArgs, '--backend', 'wasm', '--json']);
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ step: steps, resumed_from_step: stopped.step, interrupted: false });
    expect(resumed.stderr).toContain(`step ${stopped.step + 1}/${steps}`);
    // Same weights as the uninterrupted run of the first test (same seed, schedule and batches).
    expect(existsSync(join(whole(), 'model.safetensors'))).toBe(true);
    expect(
      readFileSync(join(out, 'model.safetensors')).equals(readFileSync(join(whole(), 'model.safetensors'))),
    ).toBe(true);
  });

  test('--tokenizer reuses a tokenizer.json instead of training one', async () => {
    const r = await runCli([
      'train',
      corpus,
      '-o',
      join(dir, 'given'),
      '--tokenizer',
      join(whole(), 'tokenizer.json'),
      '--layers',
      '1',
      '--d-model',
      '8',
      '--heads',
      '1',
      '--context',
      '8',
      '--steps',
      '3',
      '--batch-size',
      '2',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ step: 3, vocab_size: 280 });
    expect(r.stderr).toContain('(vocabulary 280)');
    expect(readFileSync(join(dir, 'given', 'tokenizer.json'), 'utf8')).toBe(
      readFileSync(join(whole(), 'tokenizer.json'), 'utf8'),
    );
  });

  test('several files and stdin (`-`): <|endoftext|> between files; written in the text it is that token', async () => {
    const piped = 'a stdin document.<|endoftext|>another one.\n'.repeat(30);
    const out = join(dir, 'joined');
    const r = await runCli(
      [
        'train',
        '-',
        corpus,
        '-o',
        out,
        '--vocab-size',
        '300',
        '--layers',
        '1',
        '--d-model',
        '8',
        '--heads',
        '2',
        '--context',
        '8',
        '--steps',
        '2',
        '--batch-size',
        '2',
        '--json',
      ],
      { input: piped },
    );
    expect(r.code).toBe(0);
    const tokenizer = Tokenizer.fromHuggingFace(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
    const eos = tokenizer.encode('<|endoftext|>', { allowedSpecial: 'all' });
    expect(eos).toEqual([tokenizer.vocabSize - 1]);
    const stdinIds = tokenizer.encode(piped, { allowedSpecial: 'all' });
    expect(stdinIds.filter((id) => id === eos[0])).toHaveLength(30);
    const fileIds = tokenizer.encode(readFileSync(corpus, 'utf8'));
    expect(JSON.parse(r.stdout).corpus_tokens).toBe(stdinIds.length + 1 + fileIds.length);
  });

  test('bad options and inputs: exit 2 with one line naming the problem', async () => {
    const empty = join(dir, 'empty.txt');
    const short = join(dir, 'short.txt');
    writeFileSync(empty, '');
    writeFileSync(short, 'the cat sat on the mat');
    const base = ['-o', join(dir, 'never')];
    const cases: [string[], RegExp][] = [
      [['train', join(dir, 'missing.txt'), ...base], /cannot read .*missing\.txt: ENOENT/],
      [['train', empty, ...base], /the corpus is empty/],
      [['train', corpus], /-o\/--output DIR is required/],
      [['train', corpus, ...base, '--vocab-size', '256'], /--vocab-size must be at least 257/],
      [['train', corpus, ...base, '--d-model', '32', '--heads', '3'], /--heads 3 must divide --d-model 32/],
      [['train', corpus, ...base, '--context', '1'], /--context must be ≥ 2 \(got 1\)/],
      [['train', corpus, ...base, '--steps', '0'], /--steps must be ≥ 1/],
      [['train', corpus, ...base, '--lr', '0'], /--lr must be > 0/],
      [['train', corpus, ...base, '--backend', 'gpu'], /--backend must be one of wasm, js/],
      [
        ['train', short, ...base, '--vocab-size', '260'],
        /the corpus is \d+ tokens; with --context 128 it needs at least/,
      ],
      [['train', corpus, ...base, '--vocab-size', '300', '--tokenizer', 'x.json'], /not both/],
      [['train', corpus, '--resume', whole(), '--layers', '2'], /--layers cannot be changed when resuming/],
      [['train', corpus, '--resume', whole(), '--steps', '10'], /--steps 10 must be more than the 300 steps/],
      [['train', corpus, '-o', whole()], /already holds a training run; continue it with --resume/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
