// fast-check arbitraries for backend tests: dimensions that are not multiples of 4 or of tile sizes,
// shapes, and tensors whose values come from a seeded generator (fast to build even at 129 × 129, and
// reproducible from the fast-check seed).

import fc from 'fast-check';
import { type Shape, sizeOf, type Tensor } from '../tensor';

/** Options for arbDim. */
export interface DimOptions {
  /** Smallest dimension (default 1). */
  min?: number;
  /** Largest "small" dimension (default 70); 128 and 129 are also drawn unless `large` is false. */
  max?: number;
  /** Also draw 128 and 129 (one past a typical tile), default true. */
  large?: boolean;
}

/** A dimension: mostly 1..17, often up to `max` (70), sometimes 128 or 129. Shrinks towards `min`. */
export function arbDim(o: DimOptions = {}): fc.Arbitrary<number> {
  const min = o.min ?? 1;
  const max = Math.max(min, o.max ?? 70);
  const choices: { weight: number; arbitrary: fc.Arbitrary<number> }[] = [
    { weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, Math.max(min, 17)) }) },
    { weight: 3, arbitrary: fc.integer({ min, max }) },
  ];
  if (o.large !== false)
    choices.push({ weight: 1, arbitrary: fc.constantFrom(...[128, 129].filter((d) => d >= min)) });
  return fc.oneof(...choices);
}

/** A shape of `rank` dimensions (an exact rank, or a range [minRank, maxRank]). */
export function arbShape(rank: number | [number, number], o: DimOptions = {}): fc.Arbitrary<number[]> {
  const [minLength, maxLength] = typeof rank === 'number' ? [rank, rank] : rank;
  return fc.array(arbDim(o), { minLength, maxLength });
}

/** Options for generated values. */
export interface ValueOptions {
  /** Values are drawn from [−range, range] (default 2) ... */
  range?: number;
  /** ... plus this offset (default 0), e.g. to make logits large. */
  offset?: number;
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` f32 values from `seed`: uniform in offset ± range, with about 1 in 16 set to an edge (0, ±range). */
export function seededValues(n: number, seed: number, o: ValueOptions = {}): Float32Array {
  const range = o.range ?? 2;
  const offset = o.offset ?? 0;
  const next = seededUniform(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = next();
    if (u < 1 / 16) out[i] = offset + [0, range, -range][Math.floor(u * 48)];
    else out[i] = offset + (2 * next() - 1) * range;
  }
  return out;
}

/** A host tensor (plain Float32Array) of a given shape or of shapes drawn from an arbitrary. */
export function arbTensor(shape: Shape | fc.Arbitrary<Shape>, o: ValueOptions = {}): fc.Arbitrary<Tensor> {
  const shapes = Array.isArray(shape) ? fc.constant(shape as Shape) : (shape as fc.Arbitrary<Shape>);
  return fc.tuple(shapes, fc.integer({ min: 0, max: 0x7fffffff })).map(([s, seed]) => ({
    shape: Object.freeze([...s]),
    data: seededValues(sizeOf(s), seed, o),
  }));
}

/** Token ids for a vocabulary of size V: `length` ids in [0, V). */
export function arbIds(V: number, length: number | fc.Arbitrary<number>): fc.Arbitrary<number[]> {
  const lengths = typeof length === 'number' ? fc.constant(length) : length;
  return lengths.chain((n) => fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: n, maxLength: n }));
}
