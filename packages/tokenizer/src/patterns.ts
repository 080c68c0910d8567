// Pre-tokenization patterns. tiktoken (and Hugging Face tokenizers) run these with Rust regex engines
// (fancy-regex / onig); JavaScript's RegExp differs in four ways that change token boundaries, and
// `compilePattern` rewrites them:
//   - Unicode classes (`\p{L}`, `\p{N}`, `\s`, …) are the JS engine's, whose Unicode version varies (Node 20
//     with ICU 78 is at Unicode 17; tiktoken's regex tables are Unicode 16.0): they become explicit ranges
//     of the pinned Unicode 16 sets of ./unicode, the same on every engine. A property that is not pinned
//     (a script such as `\p{Script=Han}`) is left to the engine.
//   - `\s` in Rust is Unicode White_Space (includes U+0085, excludes U+FEFF); in JS it is the other way
//     round → the White_Space set.
//   - `(?i:...)` inline case-insensitivity is not in Node 20's RegExp → explicit character classes, with
//     Unicode simple case folding (`(?i:s)` also matches U+017F ſ, `(?i:k)` U+212A KELVIN SIGN).
//   - possessive quantifiers (`?+`, `++`, `*+`, `{1,3}+`) do not exist in JS → plain greedy ones. For the
//     tiktoken/HF patterns this is the same language: every possessive there is followed by nothing that
//     could make backtracking succeed.
// `\d` and `\w` become their Unicode classes (Rust's are Unicode-aware, JS's are ASCII-only).

import { InvalidArgumentError } from './error-types';
import {
  type CodePointRanges,
  complementRanges,
  inRanges,
  type UnicodeSetName,
  unicodePropertySet,
  unicodeSet,
  unionRanges,
} from './unicode';

/** GPT-2 / r50k_base / p50k_base pre-tokenizer, as tiktoken writes it. */
export const R50K_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
/** p50k_base uses GPT-2's pattern. */
export const P50K_PATTERN = R50K_PATTERN;
/** cl100k_base pre-tokenizer, as tiktoken writes it. */
export const CL100K_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** o200k_base pre-tokenizer, as tiktoken writes it. */
export const O200K_PATTERN = [
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  '\\p{N}{1,3}',
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
  '\\s*[\\r\\n]+',
  '\\s+(?!\\S)',
  '\\s+',
].join('|');

/**
 * One code point as regex source inside a class: ASCII letters and digits and visible non-ASCII characters as
 * themselves, everything else (ASCII symbols, controls, spaces, invisible format characters, noncharacters,
 * surrogates) as `\u{…}`. Short sources matter: V8 stops optimizing a regex whose source is over 20 K units
 * (kRegExpTooLargeToOptimize), which made the r50k regex 3× slower with `\u{…}` for every range end.
 */
function charSource(cp: number): string {
  const alnum = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  const invisible =
    cp <= 0xa0 ||
    cp === 0xad ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x206f) ||
    cp === 0x3000 ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    cp === 0xfeff ||
    (cp >= 0xfff0 && cp <= 0xffff) ||
    cp >= 0xe0000;
  return alnum || !invisible ? String.fromCodePoint(cp) : `\\u{${cp.toString(16)}}`;
}

/** Regex class contents (no brackets) for a set of code points, e.g. `A-Za-zªµºÀ-Ö…`. */
function rangesSource(set: CodePointRanges): string {
  let out = '';
  for (let i = 0; i < set.length; i += 2) {
    const first = set[i]!;
    const last = set[i + 1]! - 1;
    out += charSource(first);
    if (last > first) out += `${last > first + 1 ? '-' : ''}${charSource(last)}`;
  }
  return out;
}

const classBodies = new Map<string, string>();

/**
 * Class contents for the union of pinned sets, each a set name or `^name` (its complement); cached. One
 * merged range list per class keeps the source short (`[^\s\p{L}\p{N}]` has one list, not three).
 */
function setsBody(items: string[]): string {
  const key = items.join(',');
  let body = classBodies.get(key);
  if (body === undefined) {
    const sets = items.map((item) =>
      item.startsWith('^')
        ? complementRanges(unicodeSet(item.slice(1) as UnicodeSetName))
        : unicodeSet(item as UnicodeSetName),
    );
    body = rangesSource(sets.length === 1 ? sets[0]! : unionRanges(...sets));
    classBodies.set(key, body);
  }
  return body;
}

/** Rust's Unicode `\s`, `\d`, `\w` (upper case: the complement). */
const PERL_CLASSES: Record<string, UnicodeSetName> = { s: 'White_Space', d: 'Nd', w: 'Word' };

/** Whether a code point is a letter (pinned \p{L}). */
const isLetter = (ch: string) => inRanges(unicodeSet('L'), ch.codePointAt(0)!);

/** Extra simple case folds beyond toUpperCase/toLowerCase. */
const EXTRA_FOLDS: Record<string, string> = { s: 'ſ', k: '\u212a' };

function caseVariants(ch: string): string[] {
  const lower = ch.toLowerCase();
  const set = new Set([ch]);
  for (const v of [lower, ch.toUpperCase(), EXTRA_FOLDS[lower] ?? ''])
    if (v && [...v].length === 1) set.add(v);
  return [...set];
}

/**
 * Rewrites a Rust-regex (tiktoken / tokenizer.json) pattern to an equivalent JS source for the `u` flag, with
 * Unicode classes as explicit ranges of the pinned Unicode 16 sets.
 * @example translatePattern("(?i:'s)|\\s+") === "(?:'[sSſ])|[\\u{9}-\\u{d}\\u{20}\\u{85}\\u{a0}…\\u{3000}]+"
 */
export function translatePattern(source: string): string {
  let out = '';
  let inClass = false;
  let classExtra = '';
  // the pinned sets named inside the open class (`^name`: negated), written as one list when it closes
  let classSets: string[] = [];
  /** A pinned set, or its complement: into the open class, or as a class of its own. */
  const addSet = (name: UnicodeSetName, negated: boolean) => {
    if (inClass) classSets.push(negated ? `^${name}` : name);
    else out += `[${negated ? '^' : ''}${setsBody([name])}]`;
  };
  // a stack of open groups; true marks a (?i: group
  const groups: boolean[] = [];
  let caseless = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const e = source[i + 1] ?? '';
      i += 2;
      const lower = e.toLowerCase();
      if (Object.hasOwn(PERL_CLASSES, lower)) addSet(PERL_CLASSES[lower]!, e !== lower);
      else if (e === 'A') out += '^';
      else if (e === 'z') out += '$';
      else if (e === 'p' || e === 'P') {
        // \p{Name} or the one-letter form \pL
        const close = source[i] === '{' ? source.indexOf('}', i) : i;
        if (close < 0) throw new Error('unterminated \\p{');
        const property = source[i] === '{' ? source.slice(i + 1, close) : source.slice(i, i + 1);
        const set = unicodePropertySet(property);
        if (set !== undefined) addSet(set, e === 'P');
        else out += `\\${e}{${property}}`;
        i = close + 1;
      } else if (/[0-9a-zA-Z]/.test(e)) out += `\\${e}`;
      else {
        const cp = e.codePointAt(0) ?? 0;
        out += `\\u{${cp.toString(16)}}`;
        i += e.length - 1;
      }
      continue;
    }
    if (inClass) {
      if (ch === ']') {
        out += `${classSets.length > 0 ? setsBody(classSets) : ''}${classExtra}]`;
        inClass = false;
        classExtra = '';
        classSets = [];
      } else {
        out += ch;
        if (caseless > 0 && isLetter(ch)) classExtra += caseVariants(ch).join('');
      }
      i++;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      i++;
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      if (source[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(') {
      if (source.startsWith('(?i:', i)) {
        groups.push(true);
        caseless++;
        out += '(?:';
        i += 4;
        continue;
      }
      groups.push(false);
      out += ch;
      i++;
      continue;
    }
    if (ch === ')') {
      if (groups.pop()) caseless--;
      out += ch;
      i++;
      continue;
    }
    if ((ch === '+' || ch === '*' || ch === '?' || ch === '}') && source[i + 1] === '+') {
      out += ch; // possessive → greedy
      i += 2;
      continue;
    }
    const cp = source.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    if (caseless > 0 && isLetter(char)) {
      const variants = caseVariants(char);
      out += variants.length > 1 ? `[${variants.join('')}]` : char;
    } else {
      out += char;
    }
    i += char.length;
  }
  return out;
}

/**
 * O200K_PATTERN with a shorter second alternative, matching the same pieces. Written out with explicit ranges,
 * O200K_PATTERN is over V8's 20 K-unit limit (about 4–5× slower); this one is under it. The second
 * alternative, P? A+ B* C?, is only tried where the first, P? A* B+ C?, fails with and without P; then the
 * maximal A run after P (or at the start) holds no B character (a B character in it would end an A* B+ match)
 * and is not followed by one, so A+ only takes A − B = Lu ∪ Lt characters and B* takes nothing. (P can't
 * start it as a mark: a mark is in B, and the first alternative matches it.) Checked against the scanner and
 * against the literal translation in the tests.
 */
const O200K_SHORT = O200K_PATTERN.replace(
  '|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:',
  '|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}]+(?i:',
);

/** Compiles a tiktoken / tokenizer.json pre-tokenization pattern to a global Unicode RegExp. */
export function compilePattern(source: string): RegExp {
  if (typeof source !== 'string')
    throw new InvalidArgumentError('pattern must be a regular-expression string.');
  try {
    return new RegExp(translatePattern(source === O200K_PATTERN ? O200K_SHORT : source), 'gu');
  } catch (cause) {
    throw new InvalidArgumentError(
      `The pre-tokenization pattern ${JSON.stringify(source)} is not a valid regular expression ` +
        `(${(cause as Error).message}).`,
    );
  }
}
