// Pre-tokenization patterns. tiktoken (and Hugging Face tokenizers) run these with Rust regex engines
// (fancy-regex / onig); JavaScript's RegExp differs in three ways that change token boundaries, and
// `compilePattern` rewrites them:
//   - `\s` in Rust is Unicode White_Space (includes U+0085, excludes U+FEFF); in JS it is the other way
//     round → `\p{White_Space}` / `\P{White_Space}`.
//   - `(?i:...)` inline case-insensitivity is not in Node 20's RegExp → explicit character classes, with
//     Unicode simple case folding (`(?i:s)` also matches U+017F ſ, `(?i:k)` U+212A KELVIN SIGN).
//   - possessive quantifiers (`?+`, `++`, `*+`, `{1,3}+`) do not exist in JS → plain greedy ones. For the
//     tiktoken/HF patterns this is the same language: every possessive there is followed by nothing that
//     could make backtracking succeed.
// `\d` and `\w` become their Unicode classes (Rust's are Unicode-aware, JS's are ASCII-only).

import { InvalidArgumentError } from './error-types';

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

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
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
 * Rewrites a Rust-regex (tiktoken / tokenizer.json) pattern to an equivalent JS source for the `u` flag.
 * @example translatePattern("(?i:'s)|\\s+") === "'[sSſ]|\\p{White_Space}+"
 */
export function translatePattern(source: string): string {
  let out = '';
  let inClass = false;
  let classExtra = '';
  // a stack of open groups; true marks a (?i: group
  const groups: boolean[] = [];
  let caseless = 0;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const e = source[i + 1] ?? '';
      i += 2;
      if (e === 's') out += '\\p{White_Space}';
      else if (e === 'S') out += '\\P{White_Space}';
      else if (e === 'd') out += '\\p{Nd}';
      else if (e === 'D') out += '\\P{Nd}';
      else if (e === 'w') out += inClass ? WORD : `[${WORD}]`;
      else if (e === 'W') out += inClass ? '\\W' : `[^${WORD}]`;
      else if (e === 'A') out += '^';
      else if (e === 'z') out += '$';
      else if (e === 'p' || e === 'P') {
        const close = source[i] === '{' ? source.indexOf('}', i) : i;
        out += `\\${e}${source.slice(i, close + 1)}`;
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
        out += `${classExtra}]`;
        inClass = false;
        classExtra = '';
      } else {
        out += ch;
        if (caseless > 0 && /\p{L}/u.test(ch)) classExtra += caseVariants(ch).join('');
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
    if (caseless > 0 && /\p{L}/u.test(char)) {
      const variants = caseVariants(char);
      out += variants.length > 1 ? `[${variants.join('')}]` : char;
    } else {
      out += char;
    }
    i += char.length;
  }
  return out;
}

/** Compiles a tiktoken / tokenizer.json pre-tokenization pattern to a global Unicode RegExp. */
export function compilePattern(source: string): RegExp {
  if (typeof source !== 'string')
    throw new InvalidArgumentError('pattern must be a regular-expression string.');
  try {
    return new RegExp(translatePattern(source), 'gu');
  } catch (cause) {
    throw new InvalidArgumentError(
      `The pre-tokenization pattern ${JSON.stringify(source)} is not a valid regular expression ` +
        `(${(cause as Error).message}).`,
    );
  }
}
