// alloc returns zeros without writing memory that was never handed out: WebAssembly memory is zero as
// grown, so only a region reused after per-call scratch is cleared. Fresh tensors (a model's activations
// and KV cache, its weights before they are read) then cost no resident pages until they are written.
import { fc, test as fcTest } from '@fast-check/vitest';
import { type Tensor, tensor } from '@llmf/tensor';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/wasm/index';

const MiB = 2 ** 20;

describe('wasm backend zeroing', () => {
  it('does not touch the pages of a fresh allocation (resident memory grows only when written)', async () => {
    const be = await createWasmBackend();
    const bytes = 128 * MiB;
    be.reserve(bytes);
    const before = process.memoryUsage().rss;
    const t = be.alloc([bytes / 4], 'compute');
    expect(process.memoryUsage().rss - before).toBeLessThan(bytes / 4);
    expect(t.data[0]).toBe(0);
    expect(t.data[bytes / 4 - 1]).toBe(0);
    // the measure sees pages once they are written
    t.data.fill(1);
    expect(process.memoryUsage().rss - before).toBeGreaterThan(bytes / 2);
    be.dispose();
  });

  // steps: allocate (must read all zeros), write ones into the newest tensor, or run an op on a host
  // tensor (copied into scratch above the tensors, which later allocations reuse)
  const step = fc.oneof(
    fc.record({ kind: fc.constant('alloc' as const), n: fc.integer({ min: 1, max: 40_000 }) }),
    fc.record({ kind: fc.constant('write' as const), n: fc.constant(0) }),
    fc.record({ kind: fc.constant('foreign' as const), n: fc.integer({ min: 1, max: 40_000 }) }),
  );

  fcTest.prop([fc.array(step, { minLength: 1, maxLength: 12 })], { numRuns: 60 })(
    'every allocation reads zeros, also where scratch or grows were before',
    async (steps) => {
      const be = await createWasmBackend({ memoryBytes: 65536 });
      let newest: Tensor | undefined;
      for (const s of steps) {
        if (s.kind === 'alloc') {
          newest = be.alloc([s.n], 'compute');
          expect(newest.data.every((v) => v === 0)).toBe(true);
        } else if (s.kind === 'write') {
          newest?.data.fill(1);
        } else {
          const host = tensor(new Float32Array(s.n).fill(3)); // not in wasm memory: goes through scratch
          const out = tensor(new Float32Array(s.n));
          be.scale(out, host, 2);
          expect(out.data[s.n - 1]).toBe(6);
        }
      }
      be.dispose();
    },
  );
});
