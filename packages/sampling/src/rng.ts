// A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna, 2018) seeded through SplitMix32.
// Only 32-bit integer math (Math.imul, >>>), so a seed gives the same numbers in Node and in every browser.

import { LlmfError } from './errors';

/** A source of uniform random numbers. Randomness in @llmf is always passed in as one of these. */
export interface Rng {
  /** A uniform float in [0, 1) with 32 random bits. */
  next(): number;
  /** A uniform unsigned 32-bit integer in [0, 2³²). */
  nextUint32(): number;
}

const TWO_POW_32 = 4294967296;

/**
 * SplitMix32 output function: the MurmurHash3 finaliser applied to a Weyl sequence step (+ golden ratio).
 * Used only to expand a seed into four well-mixed, non-zero state words.
 */
function splitMix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** xoshiro128** from four 32-bit state words (not all zero). Exposed for tests against the C reference. */
export function xoshiro128ss(s0: number, s1: number, s2: number, s3: number): Rng {
  let a = s0 | 0;
  let b = s1 | 0;
  let c = s2 | 0;
  let d = s3 | 0;
  if ((a | b | c | d) === 0) {
    throw new LlmfError('INVALID_ARGUMENT', 'xoshiro128**: the state must not be all zeros');
  }
  const nextUint32 = (): number => {
    // result = rotl(s1 · 5, 7) · 9
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  return { nextUint32, next: () => nextUint32() / TWO_POW_32 };
}

/**
 * A seeded generator: the same `seed` gives the same sequence on every platform.
 * `seed` is an integer in [0, 2⁵³); both its low and high 32 bits matter.
 * @example createRng(42).next() // the same number in Node and every browser
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `createRng: seed is ${String(seed)}; use an integer in [0, 2^53)`,
    );
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  // four state words, each from a different input, so no two seeds below 2⁵³ share a state
  const s0 = splitMix32(lo);
  const s1 = splitMix32(s0 ^ hi);
  const s2 = splitMix32(s1 ^ lo);
  const s3 = splitMix32(s2 ^ hi);
  return xoshiro128ss(s0, s1, s2, s3 === 0 && (s0 | s1 | s2) === 0 ? 1 : s3);
}

/**
 * A fresh seed for {@link createRng}, an integer in [0, 2⁵³), from `crypto.getRandomValues` (Node ≥ 19 and
 * every browser): 53 random bits, no global PRNG state used or changed. Throws LlmfError 'UNSUPPORTED'
 * where the host has no Web Crypto (pass a seed there).
 * @example createRng(randomSeed()) // an unpredictable stream; keep the seed to replay it
 */
export function randomSeed(): number {
  const webCrypto = (globalThis as { crypto?: { getRandomValues?(a: Uint32Array): Uint32Array } }).crypto;
  if (typeof webCrypto?.getRandomValues !== 'function') {
    throw new LlmfError(
      'UNSUPPORTED',
      'randomSeed: this JavaScript host has no crypto.getRandomValues; pass a seed (or an rng) explicitly',
    );
  }
  const words = webCrypto.getRandomValues(new Uint32Array(2));
  // [lo, hi] → hi's low 21 bits · 2³² + lo: uniform in [0, 2⁵³)
  return (words[1] & 0x1fffff) * TWO_POW_32 + words[0];
}
