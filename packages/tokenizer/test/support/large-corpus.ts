// The large differential-test corpus (~550 KB of UTF-8): real text that every checkout has (see
// text-sources.ts) capped per source, the hand-written fixtures, and generated hard cases (emoji ZWJ
// sequences, whitespace runs, digit runs, contractions in every casing, words of 2–5 K characters).
// Split into chunks (paragraphs of the real text, one chunk per generated case) so a mismatch can be
// narrowed to the exact text.
import { readFileSync } from 'node:fs';
import { contractionCases } from '../oracle';
import {
  dependencyDocs,
  packageSources,
  repositoryReadmes,
  type TextSource,
  typescriptDeclarations,
  typescriptMessages,
} from './text-sources';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** The whole lines of `text` that fit in `max` UTF-16 units (so no surrogate pair is cut). */
export function capLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n', max);
  return text.slice(0, cut > 0 ? cut + 1 : 0);
}

/** Paragraphs (each keeps its trailing blank lines), long ones cut at line ends into ≤ `max` units. */
export function paragraphs(text: string, max = 4000): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/(?<=\n\n)(?!\n)/)) {
    let rest = paragraph;
    while (rest.length > max) {
      const head = capLines(rest, max);
      const piece = head.length > 0 ? head : rest.slice(0, rest.indexOf('\n') + 1 || rest.length);
      out.push(piece);
      rest = rest.slice(piece.length);
    }
    if (rest.length > 0) out.push(rest);
  }
  return out;
}

/** Real text, each source capped at `max` units of whole lines. */
function realSources(): TextSource[] {
  const capped = (sources: TextSource[], max: number) =>
    sources.map((s) => ({ name: s.name, text: capLines(s.text, max) }));
  return [
    ...capped(typescriptMessages(), 10_000), // 13 languages
    ...capped(typescriptDeclarations(), 20_000), // doc comments + declarations
    ...capped(dependencyDocs(), 10_000), // Markdown, licences
    ...capped(packageSources(), 4_000), // TypeScript source
    ...capped(repositoryReadmes(), 6_000), // Markdown with tables and figures
    { name: 'test/fixtures/corpus.txt', text: fixture('corpus.txt') },
    { name: 'test/fixtures/languages.txt', text: fixture('languages.txt') },
  ];
}

/** Emoji: ZWJ families and professions, skin tones, flags, tag sequences, keycaps, variation selectors. */
function emojiCases(): string[] {
  const sequences = [
    '👨‍👩‍👧‍👦',
    '👩‍👩‍👦',
    '👨‍👨‍👧‍👧',
    '👩‍💻',
    '🧑🏽‍🚀',
    '👨🏿‍🍳',
    '👩🏻‍🔬',
    '🧑‍🤝‍🧑',
    '👩🏾‍❤️‍💋‍👨🏻',
    '💑🏼',
    '🏳️‍🌈',
    '🏳️‍⚧️',
    '🏴‍☠️',
    '❤️‍🔥',
    '❤️‍🩹',
    '🐻‍❄️',
    '😶‍🌫️',
    '😮‍💨',
    '🇯🇵',
    '🇫🇷',
    '🇧🇷',
    '🇺🇦',
    '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
    '🏴󠁧󠁢󠁷󠁬󠁳󠁿',
    '1️⃣',
    '#️⃣',
    '*️⃣',
    '☺︎',
    '☺️',
    '✌🏿',
    '👋🏻',
    '👋🏼',
    '👋🏽',
    '👋🏾',
    '👋🏿',
  ];
  return [
    sequences.join(''),
    sequences.join(' '),
    sequences.map((s, i) => `word${i}${s}next`).join(' '),
    sequences.map((s) => s.repeat(5)).join('\n'),
    `Family: ${sequences[0]!.repeat(15)}!`,
    `Flags:${'🇯🇵🇫🇷🇧🇷🇺🇦'.repeat(10)}`,
    `"${sequences.slice(0, 10).join('", "')}"`,
    `${'🎉'.repeat(100)} ${'😀😃😄😁'.repeat(20)}`,
  ];
}

/** Runs of every kind of whitespace, before words, before punctuation and at the end of text. */
function whitespaceCases(): string[] {
  const out: string[] = [];
  const kinds = [' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', ' \t', '\n ', ' \n', '\t\n\t'];
  for (const ws of kinds) {
    for (const n of [1, 2, 3, 4, 7, 8, 16, 33, 100]) {
      const run = ws.repeat(n);
      out.push(`word${run}word`, `${run}x`, `end${run}`, `a${run}!b`, `${run}'s${run}12`);
    }
  }
  out.push(`${' '.repeat(1000)}\n${'\t'.repeat(500)}\n${'\n'.repeat(300)}text`);
  return out;
}

/** Digit runs of every length, several scripts, separators and digits glued to letters. */
function digitCases(): string[] {
  const out: string[] = [];
  const decimal = '31415926535897932384626433832795028841971693993751058209749445923078164062862';
  for (let n = 1; n <= 40; n++) {
    const run = decimal.slice(0, n);
    out.push(run, ` ${run}`, `x${run}y`, `${run}.${run}`, `-${run},${run}`);
  }
  for (const zero of ['٠', '۰', '०', '০', '๐', '０', '𝟎']) {
    const base = zero.codePointAt(0)!;
    const run = Array.from({ length: 25 }, (_, i) => String.fromCodePoint(base + ((i * 7) % 10))).join('');
    out.push(run, `a${run} b`, `${run}${decimal.slice(0, 9)}`);
  }
  out.push(
    `${'1234567890'.repeat(400)}`,
    '1,234,567,890.0987 1 000 000 1_000_000 0x7FFFFFFF 1e-309 ²³¹⁴ ⅕ ⑫',
  );
  return out;
}

/** Contractions in every casing, after words in every casing, with straight and curly apostrophes. */
function contractionSentences(): string[] {
  const casings = (s: string): string[] =>
    s.length === 0
      ? ['']
      : casings(s.slice(1)).flatMap((rest) => [s[0]!.toLowerCase() + rest, s[0]!.toUpperCase() + rest]);
  const out = [...contractionCases()];
  const words = { s: 'it', t: 'don', re: 'they', ve: 'we', m: 'I', ll: 'you', d: 'she' };
  for (const [suffix, word] of Object.entries(words)) {
    const variants = casings(suffix);
    for (const w of [word.toLowerCase(), word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1)]) {
      out.push(variants.map((v) => `${w}'${v}`).join(' '), variants.map((v) => `${w}’${v}`).join(' '));
      out.push(variants.map((v) => `${w}'${v}${w}`).join(''), variants.map((v) => `'${v}`).join(''));
    }
  }
  return out;
}

/** A seeded linear congruential generator (deterministic corpus). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
}

/** Words of 2–5 K characters with no break the pre-tokenizers split on (one BPE piece, or few). */
function longWords(): string[] {
  const next = lcg(20240315);
  const from = (alphabet: string, length: number) => {
    const chars = Array.from(alphabet);
    // the generator's high bits: its low bits cycle with a short period
    return Array.from({ length }, () => chars[(next() >>> 8) % chars.length]).join('');
  };
  const range = (first: number, last: number) =>
    Array.from({ length: last - first + 1 }, (_, i) => String.fromCodePoint(first + i)).join('');
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  return [
    from(lower, 4500),
    from(`${lower}${lower.toUpperCase()}`, 4000),
    ` ${from('aeiouéèàüößñçøåłńśźżčřšž', 3000)}`,
    from(range(0x430, 0x44f), 3500),
    from(range(0x4e00, 0x4fff), 2000),
    from(range(0x627, 0x64a), 3000),
    from(range(0xe01, 0xe2e), 3000),
    'Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung'.repeat(60),
    from('-=*#~+^_.:!?/\\|', 3000),
    `https://example.com/${from(`${lower}0123456789/._?=&%`, 4000)}`,
    from('0123456789abcdef', 5000),
    from('😀🎉👍🔥🚀✨🌍💡', 800),
  ];
}

/**
 * One source of the corpus. `whole` sources (real text) are compared as one text and split into
 * paragraphs only to find a mismatch; generated sources are compared case by case (each chunk alone).
 */
export interface CorpusSource {
  name: string;
  chunks: string[];
  whole: boolean;
}

/** The corpus: real text split into paragraphs (they join back to the text), then the generated cases. */
export function largeCorpus(): CorpusSource[] {
  const out: CorpusSource[] = realSources().map((s) => ({
    name: s.name,
    chunks: paragraphs(s.text),
    whole: true,
  }));
  const generated: Record<string, string[]> = {
    'generated: emoji': emojiCases(),
    'generated: whitespace runs': whitespaceCases(),
    'generated: digit runs': digitCases(),
    'generated: contractions': contractionSentences(),
    'generated: long words': longWords(),
  };
  for (const [name, chunks] of Object.entries(generated)) out.push({ name, chunks, whole: false });
  return out;
}
