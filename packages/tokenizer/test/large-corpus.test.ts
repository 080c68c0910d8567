// Differential test on a large, varied corpus (see support/large-corpus.ts): for all four encodings every
// real-text source as a whole and every generated case must encode to tiktoken's ids. A mismatch names the
// source, the paragraph or (when one fails alone) the line, and the first differing tokens.
import { beforeAll, describe, expect, test } from 'vitest';
import { getEncoding, type Tokenizer } from '../src/index';
import { ENCODING_NAMES, oracle, referenceIds } from './oracle';
import { type CorpusSource, largeCorpus } from './support/large-corpus';

const sources = largeCorpus();
const chunks = sources.flatMap((s) => s.chunks);
const texts = sources.map((s) => (s.whole ? s.chunks.join('') : s.chunks.join('\n')));

type Name = Parameters<typeof referenceIds>[0];

/** The tokens of `ids` around `at` as `id:"text"` (text decoded by tiktoken), for a readable report. */
function around(name: Name, ids: number[], at: number): string[] {
  const text = (id: number) => {
    try {
      return JSON.stringify(new TextDecoder().decode(oracle(name).decode_single_token_bytes(id)));
    } catch {
      return '(not a token)';
    }
  };
  return ids.slice(Math.max(0, at - 2), at + 3).map((id) => `${id}:${text(id)}`);
}

/** Undefined when ours equals tiktoken on `text`, else what differs. */
function mismatch(enc: Tokenizer, name: Name, text: string) {
  const ours = enc.encode(text, { disallowedSpecial: [] });
  const expected = referenceIds(name, text);
  if (ours.length === expected.length && ours.every((id, i) => id === expected[i])) return undefined;
  let at = 0;
  while (at < ours.length && ours[at] === expected[at]) at++;
  return { firstDifferentToken: at, ours: around(name, ours, at), tiktoken: around(name, expected, at) };
}

/** The mismatch report for one chunk: its first line that fails alone, or the chunk itself. */
function report(enc: Tokenizer, name: Name, source: string, chunk: string) {
  const found = mismatch(enc, name, chunk);
  if (found === undefined) return undefined;
  for (const line of chunk.split(/(?<=\n)/)) {
    const inLine = mismatch(enc, name, line);
    if (inLine !== undefined) return { source, line, ...inLine };
  }
  return { source, chunk: chunk.slice(0, 500), ...found };
}

/**
 * The mismatches in a source: a whole source is compared as one text, then (only on a mismatch) paragraph
 * by paragraph to name the offending text; a generated source is compared case by case.
 */
function sourceReports(enc: Tokenizer, name: Name, source: CorpusSource) {
  if (source.whole) {
    const found = mismatch(enc, name, source.chunks.join(''));
    if (found === undefined) return [];
    const inChunks = source.chunks
      .map((c) => report(enc, name, source.name, c))
      .filter((r) => r !== undefined);
    return inChunks.length > 0 ? inChunks.slice(0, 3) : [{ source: source.name, ...found }];
  }
  return source.chunks.map((c) => report(enc, name, source.name, c)).filter((r) => r !== undefined);
}

test('the corpus is large and varied', () => {
  const text = texts.join('\n');
  const bytes = new TextEncoder().encode(text).length;
  expect(bytes).toBeGreaterThan(300_000);
  expect(bytes).toBeLessThan(600_000);
  for (const script of ['Han', 'Hiragana', 'Hangul', 'Cyrillic', 'Arabic', 'Hebrew', 'Devanagari', 'Thai']) {
    expect(text, script).toMatch(new RegExp(`\\p{Script=${script}}{4}`, 'u'));
  }
  expect(text).toContain('👨‍👩‍👧‍👦');
  expect(text).toMatch(/ {100}/);
  expect(text).toMatch(/\d{40}/);
  expect(text).toContain("WE'Ve");
  expect(text).toMatch(/\p{L}{4000}/u);
  expect(text).toMatch(/function|=>/);
  expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(5000);
});

describe.each(ENCODING_NAMES)('%s', (name) => {
  let enc: Tokenizer;
  beforeAll(async () => {
    enc = await getEncoding(name);
  });

  test(`${sources.length} sources (${chunks.length} paragraphs and generated cases) equal tiktoken`, () => {
    const failures = sources.flatMap((source) => sourceReports(enc, name, source)).slice(0, 5);
    expect(failures).toEqual([]);
  });
});
