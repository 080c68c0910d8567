// packedWeightConformance: property tests of `packLinear` for a backend that packs linear weights at load.
//   linear: out [T, N] = x [T, K] · wᵀ + bias with w [N, K] packed by the backend → the reference on the
//           unpacked w, within linear's f32 tolerance (packing moves values, it never changes them)
//   embedding: out [T, C] = table[ids] with table [V, C] packed by the backend → exactly the reference gather
//              (a tied embedding / LM head is packed once and read by both)
// Shapes are random (T, K, N not multiples of any tile or panel width), T = 1 (decode) included.

import fc from 'fast-check';
import type { Backend } from '../backend';
import { createReferenceBackend } from '../backend/ref/index';
import { isPackedTensor } from '../packed';
import { arbDim, arbIds, arbTensor } from './arbitraries';
import { assertClose, defaultTolerances, type Tolerance } from './compare';
import type { ConformanceCheck } from './conformance';

/** Options of packedWeightConformance. */
export interface PackedConformanceOptions {
  /** fast-check runs per check (default 30). */
  numRuns?: number;
  /** fast-check seed, to replay a failure. */
  seed?: number;
  /** Tolerance of linear with packed weights (default: linear's f32 tolerance). */
  linear?: Tolerance;
}

/**
 * Conformance checks for a backend with `packLinear`: linear with a packed w equals the reference on the
 * same w, for random T (1 included), K, N, with and without bias; embedding from a packed table equals the
 * reference gather exactly; and the reference backend refuses a packed tensor with an LlmfError.
 * @example
 * for (const c of packedWeightConformance(() => createWasmBackend())) test(c.name, c.run);
 */
export function packedWeightConformance(
  makeBackend: () => Backend | Promise<Backend>,
  o: PackedConformanceOptions = {},
): ConformanceCheck[] {
  const params = { numRuns: o.numRuns ?? 30, seed: o.seed };
  const linearTol = o.linear ?? defaultTolerances.linear;
  const pack = (be: Backend) => {
    if (be.packLinear === undefined) throw new Error(`backend "${be.name}" has no packLinear`);
    return be.packLinear.bind(be);
  };
  return [
    {
      op: 'linear',
      name: 'linear: x [T, K] · wᵀ with w [N, K] packed by packLinear (+ bias) equals the reference',
      async run() {
        const be = await makeBackend();
        const ref = createReferenceBackend();
        try {
          const packLinear = pack(be);
          fc.assert(
            fc.property(
              fc
                .tuple(
                  fc.oneof(fc.constant(1), arbDim({ max: 40 })),
                  arbDim(),
                  arbDim({ max: 40 }),
                  fc.boolean(),
                )
                .chain(([T, K, N, withBias]) =>
                  fc.tuple(
                    arbTensor([T, K]),
                    arbTensor([N, K]),
                    withBias ? arbTensor([N]) : fc.constant(undefined),
                  ),
                ),
              ([x, w, bias]) => {
                const [T] = x.shape;
                const [N, K] = w.shape;
                const resident = be.alloc([N, K], 'weights');
                resident.data.set(w.data);
                const packed = packLinear(resident);
                if (!isPackedTensor(packed) || packed.shape.join() !== [N, K].join()) {
                  throw new Error(
                    `${be.name} packLinear([${N}, ${K}]) did not return a PackedTensor of shape [${N}, ${K}]`,
                  );
                }
                const out = be.alloc([T, N], 'compute');
                const bb = bias === undefined ? undefined : be.upload(bias, 'weights');
                be.linear(out, be.upload(x, 'compute'), packed, bb);
                const want = ref.alloc([T, N], 'compute');
                ref.linear(want, x, w, bias);
                assertClose(
                  `${be.name} linear (packed w) vs js-ref`,
                  out.data,
                  want.data,
                  want.shape,
                  linearTol,
                  `x [${T}, ${K}], packed w [${N}, ${K}], bias ${bias !== undefined}`,
                );
              },
            ),
            params,
          );
        } finally {
          be.dispose();
        }
      },
    },
    {
      op: 'embedding',
      name: 'embedding: rows of a table [V, C] packed by packLinear equal the reference gather exactly',
      async run() {
        const be = await makeBackend();
        const ref = createReferenceBackend();
        try {
          const packLinear = pack(be);
          fc.assert(
            fc.property(
              fc
                .tuple(arbDim({ max: 40 }), arbDim())
                .chain(([V, C]) => fc.tuple(arbTensor([V, C]), arbIds(V, fc.integer({ min: 1, max: 9 })))),
              ([table, ids]) => {
                const [V, C] = table.shape;
                const resident = be.alloc([V, C], 'weights');
                resident.data.set(table.data);
                const out = be.alloc([ids.length, C], 'compute');
                be.embedding(out, packLinear(resident), ids);
                const want = ref.alloc([ids.length, C], 'compute');
                ref.embedding(want, table, ids);
                assertClose(
                  `${be.name} embedding (packed table) vs js-ref`,
                  out.data,
                  want.data,
                  want.shape,
                  { atol: 0, rtol: 0 },
                  `table [${V}, ${C}], ids [${ids.join(', ')}]`,
                );
              },
            ),
            params,
          );
        } finally {
          be.dispose();
        }
      },
    },
    {
      op: 'linear',
      name: "a packed w is refused (LlmfError) by the reference backend's linear and embedding",
      async run() {
        const be = await makeBackend();
        try {
          const w = be.alloc([8, 4], 'weights');
          w.data.fill(1);
          const packed = pack(be)(w);
          const ref = createReferenceBackend();
          const expectRefusal = (what: string, f: () => void) => {
            try {
              f();
            } catch (e) {
              if ((e as { code?: unknown }).code === 'INVALID_ARGUMENT') return;
              throw new Error(`${what} threw ${String(e)}, not an LlmfError INVALID_ARGUMENT`);
            }
            throw new Error(`${what} accepted a packed weight`);
          };
          expectRefusal('js-ref linear', () =>
            ref.linear(ref.alloc([1, 8], 'compute'), ref.alloc([1, 4], 'compute'), packed),
          );
          expectRefusal('js-ref embedding', () => ref.embedding(ref.alloc([1, 4], 'compute'), packed, [0]));
        } finally {
          be.dispose();
        }
      },
    },
  ];
}
