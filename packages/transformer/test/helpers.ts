// Test helpers: a seeded generator (mulberry32), random models built directly from a config, and
// fast-check arbitraries for small configs. No Math.random.
import { fc } from '@fast-check/vitest';
import { bf16BytesToF32, createReferenceBackend, f16BytesToF32, parseSafetensorsHeader } from '@llmf/tensor';
import {
  createConfig,
  type ModelConfig,
  type ModelConfigInit,
  randomTensors,
  type TensorSource,
} from '../src/index';
import { loadTransformer, type Transformer } from '../src/transformer';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A model with random weights from `seed` (JS reference backend). */
export function randomModel(
  init: ModelConfig | ModelConfigInit,
  seed: number,
  o: { stepTokens?: number; recordAttention?: boolean } = {},
): Transformer {
  const config = createConfig(init);
  return loadTransformer({
    config,
    tensors: randomTensors(config, seededRandom(seed)),
    backend: createReferenceBackend(),
    naming: 'llmf',
    ...o,
  });
}

/** Small random configs covering both families of wiring (GPT-2-like and Llama-like). */
export const arbConfig: fc.Arbitrary<ModelConfig> = fc
  .record({
    vocabSize: fc.integer({ min: 2, max: 20 }),
    nKvHead: fc.integer({ min: 1, max: 2 }),
    group: fc.integer({ min: 1, max: 2 }),
    halfHead: fc.integer({ min: 1, max: 3 }),
    nLayer: fc.integer({ min: 1, max: 2 }),
    dFf: fc.integer({ min: 1, max: 12 }),
    maxPositions: fc.integer({ min: 8, max: 12 }),
    llama: fc.boolean(),
    placement: fc.constantFrom('pre' as const, 'post' as const),
    positions: fc.constantFrom('learned' as const, 'sinusoidal' as const, 'rope' as const),
    ropeStyle: fc.constantFrom('half' as const, 'interleaved' as const),
    tied: fc.boolean(),
  })
  .map((r) => {
    const nHead = r.nKvHead * r.group;
    const dHead = 2 * r.halfHead;
    return createConfig({
      vocabSize: r.vocabSize,
      dModel: nHead * dHead,
      nLayer: r.nLayer,
      nHead,
      nKvHead: r.nKvHead,
      dHead,
      dFf: r.dFf,
      maxPositions: r.maxPositions,
      normPlacement: r.placement,
      positions: r.llama ? 'rope' : r.positions,
      ropeStyle: r.ropeStyle,
      tiedEmbeddings: r.tied,
      ...(r.llama
        ? { norm: 'rms', activation: 'silu', ffn: 'swiglu', attentionBias: false, linearBias: false }
        : { norm: 'layer', activation: 'geluTanh', ffn: 'mlp' }),
    } as ModelConfigInit);
  });

/** Max |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** n random token ids in [0, V). */
export function randomIds(random: () => number, n: number, V: number): number[] {
  return Array.from({ length: n }, () => Math.floor(random() * V));
}

/** A TensorSource over a safetensors file's bytes that can hand out F16 / BF16 bits as stored. */
export function halfSource(bytes: Uint8Array): TensorSource {
  const entries = parseSafetensorsHeader(bytes).entries;
  const byName = new Map(entries.map((e) => [e.name, e]));
  const raw = (name: string) => {
    const e = byName.get(name)!;
    return bytes.slice(e.begin, e.end);
  };
  return {
    entries: entries.map((e) => ({ name: e.name, shape: e.shape, dtype: e.dtype })),
    readInto(name, out) {
      const e = byName.get(name)!;
      const into = out as Float32Array<ArrayBuffer>;
      if (e.dtype === 'F16') f16BytesToF32(raw(name), into);
      else if (e.dtype === 'BF16') bf16BytesToF32(raw(name), into);
      else out.set(new Float32Array(raw(name).buffer));
    },
    readHalfInto(name, out) {
      out.set(new Uint16Array(raw(name).buffer));
    },
  };
}
