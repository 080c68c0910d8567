// `llmf train-tokenizer`: the seed's BPE walk-through (§1) end to end: train on "low lower lowest lowly",
// print the merges, save tokenizer.json, and tokenize with it as the seed does.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from './run-cli';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmf-bpe-'));
  writeFileSync(join(dir, 'corpus.txt'), 'low lower lowest lowly');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmf train-tokenizer', () => {
  test('the seed example: three merges, 12 tokens, "lowest" → [lowe][s][t] = [11, 5, 6]', async () => {
    const out = join(dir, 'tokenizer.json');
    const r = await runCli([
      'train-tokenizer',
      join(dir, 'corpus.txt'),
      '--vocab-size',
      '12',
      '--granularity',
      'char',
      '-o',
      out,
      '--verbose',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Iteration 1: Most frequent pair: (l, o) → merge into "lo"');
    expect(r.stderr).toContain('Iteration 2: Most frequent pair: (lo, w) → merge into "low"');
    expect(r.stderr).toContain('Iteration 3: Most frequent pair: (low, e) → merge into "lowe"');
    expect(r.stderr).toMatch(/3 merges, 12 tokens/);
    JSON.parse(readFileSync(out, 'utf8'));
    for (const [word, pieces, ids] of [
      ['lowest', '[lowe][s][t]', [11, 5, 6]],
      ['lowly', '[low][l][y]', [10, 0, 7]],
      ['low', '[low]', [10]],
    ] as const) {
      const t = await runCli(['tokenize', word, '--model', dir]);
      expect(t.code).toBe(0);
      const [shown, idLine] = t.stdout.split('\n');
      expect(shown).toBe(pieces);
      expect(JSON.parse(idLine!)).toEqual(ids);
    }
  });

  test('byte level to stdout; missing options are usage errors; unreadable input is a runtime error', async () => {
    const r = await runCli(['train-tokenizer', '-', '--vocab-size', '260', '-o', '-'], {
      input: 'aaabdaaabac '.repeat(20),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model.type).toBe('BPE');
    expect((await runCli(['train-tokenizer', join(dir, 'corpus.txt'), '-o', '-'])).code).toBe(2);
    expect((await runCli(['train-tokenizer', join(dir, 'corpus.txt'), '--vocab-size', '300'])).code).toBe(2);
    const missing = await runCli([
      'train-tokenizer',
      join(dir, 'nope.txt'),
      '--vocab-size',
      '300',
      '-o',
      '-',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.txt: ENOENT/);
  });
});
