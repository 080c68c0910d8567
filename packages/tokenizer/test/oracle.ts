// Test helpers: tiktoken (the Rust core compiled to WASM) as the reference implementation.
import { readFileSync } from 'node:fs';
import { get_encoding, type Tiktoken } from 'tiktoken';
import type { EncodingName } from '../src/index';

export const ENCODING_NAMES: EncodingName[] = ['r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'];

const oracles = new Map<EncodingName, Tiktoken>();
/** tiktoken's encoder for `name` (kept for the whole test file). */
export function oracle(name: EncodingName): Tiktoken {
  let enc = oracles.get(name);
  if (enc === undefined) {
    enc = get_encoding(name);
    oracles.set(name, enc);
  }
  return enc;
}

/** tiktoken's ids for `text` (ordinary text: specials are encoded as text). */
export function referenceIds(name: EncodingName, text: string): number[] {
  return Array.from(oracle(name).encode(text, [], []));
}

/** The hand-written multilingual corpus. */
export const corpus = readFileSync(new URL('./fixtures/corpus.txt', import.meta.url), 'utf8');

/** Every casing of every contraction, after letters, spaces and punctuation. */
export function contractionCases(): string[] {
  const out: string[] = [];
  const cases = (s: string): string[] =>
    s.length === 0
      ? ['']
      : cases(s.slice(1)).flatMap((rest) => [s[0]!.toLowerCase() + rest, s[0]!.toUpperCase() + rest]);
  for (const c of ['s', 't', 're', 've', 'm', 'll', 'd']) {
    for (const v of cases(c)) out.push(`it'${v}`, ` '${v}`, `x'${v}x`, `'${v}'${v}`, `1'${v}`, `é'${v} `);
  }
  out.push("'ſ", "xſ'ſ", "'\u212a", "'İ", "'ı");
  return out;
}
