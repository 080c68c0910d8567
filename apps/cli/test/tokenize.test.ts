// `llmf tokenize`: pieces, ids and count, checked against tiktoken (named encodings) and against the ids
// Hugging Face's tokenizer produced for the fixture (expected.json prompt_ids).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { get_encoding } from 'tiktoken';
import { describe, expect, test } from 'vitest';
import { fixturesDir, runCli } from './run-cli';

describe('llmf tokenize', () => {
  test('a model folder: ids equal the fixture reference; pieces in [brackets] without colour', async () => {
    const ref = JSON.parse(readFileSync(join(fixturesDir, 'gpt2-tiny', 'expected.json'), 'utf8'));
    const r = await runCli(['tokenize', ref.prompt, '--model', join(fixturesDir, 'gpt2-tiny')]);
    expect(r.code).toBe(0);
    const [pieces, ids, count] = r.stdout.trimEnd().split('\n');
    expect(JSON.parse(ids!)).toEqual(ref.prompt_ids);
    expect(count).toBe(`${ref.prompt_ids.length} tokens`);
    expect(pieces).toBe('[The][ c][at][ s][at][ on][ the][ m][at][.]');
    expect(r.stdout).not.toContain('\x1b[');
  });

  test.each(['cl100k_base', 'o200k_base'] as const)(
    '--encoding %s gives the ids tiktoken gives',
    async (name) => {
      const text = 'The cat sat on the mat. strawberry 123 + 456 GPT\n\tindentation ünïcödé 😉';
      const r = await runCli(['tokenize', '-', '--encoding', name, '--json'], { input: `${text}\n` });
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      const enc = get_encoding(name);
      try {
        expect(out.ids).toEqual(Array.from(enc.encode(text)));
      } finally {
        enc.free();
      }
      expect(out.count).toBe(out.ids.length);
      expect(out.tokens.map((t: { id: number }) => t.id)).toEqual(out.ids);
    },
  );

  test('colour only when asked for (FORCE_COLOR), never with NO_COLOR', async () => {
    const coloured = await runCli(['tokenize', 'The cat sat'], { env: { FORCE_COLOR: '1' } });
    expect(coloured.stdout.replaceAll('\x1b', 'ESC')).toMatch(
      /ESC\[48;5;\d+;30mTheESC\[0mESC\[48;5;\d+;30m cESC\[0m/,
    );
    const plain = await runCli(['tokenize', 'The cat sat'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\x1b[');
  });

  test('whitespace in pieces is shown escaped; an unknown encoding is a usage error', async () => {
    const r = await runCli(['tokenize', 'a\n\tb', '--encoding', 'cl100k_base']);
    expect(r.stdout.split('\n')[0]).toContain('\\n');
    const bad = await runCli(['tokenize', 'x', '--encoding', 'gpt5_base']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--encoding must be one of r50k_base, p50k_base, cl100k_base, o200k_base/);
  });
});
