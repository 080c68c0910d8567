// `llmf generate` on the fixture checkpoints, checked against the reference outputs that PyTorch computed
// (fixtures/models/*/expected.json: greedy ids with a KV cache), and on the embedded default model (the KJV
// GPT-2), checked against @llmf/train's own forward pass loaded from the same files.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceBackend } from '@llmf/tensor';
import { Tokenizer } from '@llmf/tokenizer';
import { Gpt2Model, loadCheckpoint, loadWeights } from '@llmf/train';
import { describe, expect, test } from 'vitest';
import { defaultModelDir, fixturesDir, runCli } from './run-cli';

const gpt2Tiny = join(fixturesDir, 'gpt2-tiny');

const expected = (model: string) =>
  JSON.parse(readFileSync(join(fixturesDir, model, 'expected.json'), 'utf8')) as {
    prompt: string;
    prompt_ids: number[];
    greedy_ids: number[];
  };

describe('llmf generate', () => {
  test('greedy decoding reproduces the reference ids (GPT-2 fixture)', async () => {
    const ref = expected('gpt2-tiny');
    const r = await runCli([
      'generate',
      ref.prompt,
      '--model',
      gpt2Tiny,
      '--temperature',
      '0',
      '--max-tokens',
      '12',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ids).toEqual(ref.greedy_ids);
    expect(out.prompt_tokens).toBe(ref.prompt_ids.length);
    expect(out.generated_tokens).toBe(12);
    expect(out.finish_reason).toBe('length');
    expect(out.decode_tok_s).toBeGreaterThan(0);
  });

  test('the embedded default (no --model): greedy ids equal @llmf/train forward on the same files; English', async () => {
    const prompt = 'The king';
    const r = await runCli(['generate', prompt, '--max-tokens', '20', '--temperature', '0', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { ids: number[]; text: string; prompt_tokens: number };
    // the reference: the training package's forward pass (its own kernels, no KV cache), greedy argmax
    const saved = await loadCheckpoint(defaultModelDir);
    const tokenizer = Tokenizer.fromHuggingFace(saved.tokenizer!);
    const model = new Gpt2Model(saved.config, createReferenceBackend(), 1);
    loadWeights(model.params, saved.weights);
    const ids = tokenizer.encode(prompt);
    expect(out.prompt_tokens).toBe(ids.length);
    const V = saved.config.vocabSize;
    const greedy: number[] = [];
    for (let step = 0; step < 20; step++) {
      model.forward(ids, 1, ids.length);
      const last = model.logits.subarray((ids.length - 1) * V, ids.length * V); // [V] at the last position
      let best = 0;
      for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
      greedy.push(best);
      ids.push(best);
    }
    expect(out.ids).toEqual(greedy);
    expect(out.text).toBe(tokenizer.decode(greedy));
    // it learned King James English: letters, spaces and punctuation, and common words of the corpus
    const text = out.text;
    expect(text.replace(/[A-Za-z\s.,;:'?!]/g, '').length).toBeLessThanOrEqual(text.length * 0.05);
    const words = text.split(/[^A-Za-z]+/).filter(Boolean);
    expect(words.length).toBeGreaterThanOrEqual(8);
    expect(words.some((w) => ['the', 'and', 'of', 'LORD', 'king'].includes(w))).toBe(true);
  });

  test.each(['llama-tiny', 'gpt2-tiny-f16'])('greedy ids of %s match the reference', async (model) => {
    const ref = expected(model);
    const r = await runCli([
      'generate',
      ref.prompt,
      '--model',
      join(fixturesDir, model),
      '-t',
      '0',
      '-n',
      '12',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ids).toEqual(ref.greedy_ids);
  });

  test('streams text to stdout; the prompt can come from a pipe; --stats prints rates and the seed', async () => {
    const ref = expected('gpt2-tiny');
    const json = JSON.parse(
      (await runCli(['generate', ref.prompt, '-m', gpt2Tiny, '-t', '0', '-n', '12', '--json'])).stdout,
    ) as { text: string };
    const piped = await runCli(
      ['generate', '-m', gpt2Tiny, '-t', '0', '-n', '12', '--stats', '--seed', '5'],
      {
        input: `${ref.prompt}\n`,
      },
    );
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(`${json.text}\n`);
    expect(piped.stderr).toMatch(/prompt +10 tokens, prefill [\d.]+ tok\/s/);
    expect(piped.stderr).toMatch(/generated 12 tokens, decode [\d.]+ tok\/s .*ended by length/);
    expect(piped.stderr).toMatch(/seed 5\n/);
    const dash = await runCli(['generate', '-', '-m', gpt2Tiny, '-t', '0', '-n', '12', '--echo'], {
      input: ref.prompt,
    });
    expect(dash.stdout).toBe(`${ref.prompt}${json.text}\n`);
  });

  test('the same seed gives the same sample; the seed is printed when not given', async () => {
    const args = ['generate', 'The cat sat on the', '-n', '20', '--temperature', '1.2', '--top-k', '0'];
    const a = await runCli([...args, '--seed', '1234', '--json']);
    const b = await runCli([...args, '--seed', '1234', '--json']);
    expect(JSON.parse(a.stdout).ids).toEqual(JSON.parse(b.stdout).ids);
    const unseeded = await runCli([...args, '--stats']);
    const seed = /seed (\d+)/.exec(unseeded.stderr)?.[1];
    expect(seed).toBeDefined();
    const replay = await runCli([...args, '--seed', seed!]);
    expect(replay.stdout).toBe(unseeded.stdout);
  });

  test('--stop ends the text before the stop string', async () => {
    const ref = expected('gpt2-tiny');
    const fixture = ['-m', gpt2Tiny, '-t', '0', '-n', '12'];
    const full = JSON.parse((await runCli(['generate', ref.prompt, ...fixture, '--json'])).stdout) as {
      text: string;
    };
    const cut = full.text.slice(0, 8).trimEnd();
    const stop = full.text.slice(cut.length, cut.length + 3);
    const r = await runCli(['generate', ref.prompt, ...fixture, '--stop', stop, '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.finish_reason).toBe('stop');
    expect(full.text.startsWith(out.text)).toBe(true);
    expect(out.text.includes(stop)).toBe(false);
  });

  test('bad input: one line on stderr, exit 2 for usage and 1 for runtime, no stack trace', async () => {
    const cases: [string[], number, RegExp][] = [
      [['generate', 'x', '--temperature', '-1'], 2, /--temperature must be ≥ 0 \(got -1\)/],
      [['generate', 'x', '--top-p', '2'], 2, /--top-p must be > 0 and ≤ 1 \(got 2\)/],
      [['generate', 'x', '--max-tokens', '0'], 2, /--max-tokens must be ≥ 1/],
      [['generate', 'x', '--backend', 'gpu'], 2, /--backend must be one of wasm, js/],
      [['generate', 'x', '--frobnicate'], 2, /unknown option '--frobnicate'/],
      [
        ['generate', 'x', '--model', '/nonexistent/model'],
        1,
        /model folder '\/nonexistent\/model' does not exist/,
      ],
      [['generate', 'x', '--model', fixturesDir], 1, /is not a model folder: it has no config\.json/],
      [['generate', 'x', '--model', 'someone/not-pulled'], 1, /run 'llmf pull someone\/not-pulled' first/],
      [
        ['generate', 'word '.repeat(200)],
        1,
        /the prompt is \d+ tokens but the model's context is 128; shorten it/,
      ],
      [['generate', ''], 2, /the prompt is empty/],
      [['bogus'], 2, /unknown command 'bogus'/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
