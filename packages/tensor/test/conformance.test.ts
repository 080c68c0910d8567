import { describe, expect, test } from 'vitest';
import { type Backend, createReferenceBackend, ops, type Tensor } from '../src/index';
import { backendConformance, type ConformanceCheck } from '../src/testing';

describe('the reference backend passes its own conformance suite', () => {
  const checks = backendConformance(() => createReferenceBackend(), { numRuns: 15 });
  test('covers every op, invalid calls and memory', () => {
    const covered = new Set(checks.map((c) => c.op));
    for (const op of ops) expect(covered.has(op)).toBe(true);
    expect(covered.has('memory')).toBe(true);
    expect(checks.filter((c) => c.name.includes('rejects')).length).toBeGreaterThanOrEqual(10);
  });
  for (const c of checks) test(c.name, c.run);
});

/** The reference backend with some ops replaced by broken versions. */
function broken(overrides: Partial<Backend>, name = 'broken'): () => Backend {
  return () => ({ ...createReferenceBackend(), name, ...overrides });
}

/** Run every check of `op` and return the failure messages (at least one must fail). */
async function failures(checks: ConformanceCheck[], op: string): Promise<string[]> {
  const messages: string[] = [];
  for (const c of checks.filter((c) => c.op === op)) {
    try {
      await c.run();
    } catch (e) {
      messages.push(String((e as Error).message));
    }
  }
  return messages;
}

describe('the suite catches broken backends', () => {
  test('softmax without max subtraction (overflows on large logits)', async () => {
    const naiveSoftmax = (out: Tensor, x: Tensor) => {
      const C = x.shape[x.shape.length - 1];
      for (let r = 0; r < x.data.length / C; r++) {
        let sum = 0;
        for (let i = 0; i < C; i++) sum += Math.exp(x.data[r * C + i]);
        for (let i = 0; i < C; i++) out.data[r * C + i] = Math.exp(x.data[r * C + i]) / sum;
      }
    };
    const messages = await failures(
      backendConformance(broken({ softmax: naiveSoftmax }), { numRuns: 30 }),
      'softmax',
    );
    expect(
      messages.some((m) =>
        /broken softmax out vs js-ref: \d+ of \d+ values out of tolerance; worst at \[/.test(m),
      ),
    ).toBe(true);
    expect(messages.some((m) => m.includes('got NaN'))).toBe(true);
  });

  test('matmul that skips the last inner index (off by one)', async () => {
    const ref = createReferenceBackend();
    const offByOne: Backend['matmul'] = (out, a, b) => {
      const [M, K] = a.shape;
      const N = b.shape[1];
      ref.matmul(out, a, b);
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) out.data[m * N + n] -= a.data[m * K + K - 1] * b.data[(K - 1) * N + n];
    };
    const messages = await failures(
      backendConformance(broken({ matmul: offByOne }), { numRuns: 20 }),
      'matmul',
    );
    expect(messages.join('\n')).toMatch(
      /broken matmul out vs js-ref: .*got .*, expected .*; inputs a \[\d+, \d+\], b \[\d+, \d+\]/,
    );
  });

  test('rope that ignores start', async () => {
    const ref = createReferenceBackend();
    const noStart: Backend['rope'] = (out, x, o) => ref.rope(out, x, { ...o, start: 0 });
    expect(
      (await failures(backendConformance(broken({ rope: noStart }), { numRuns: 30 }), 'rope')).length,
    ).toBeGreaterThan(0);
  });

  test('attention that maps query head h to kv head h mod Hkv instead of ⌊h·Hkv/H⌋', async () => {
    const wrongGroups: Backend['attention'] = (out, q, k, v, o) => {
      const [T, H, D] = q.shape;
      const [S, Hkv] = k.shape;
      const ref = createReferenceBackend();
      // repeat kv heads as h mod Hkv (interleaved instead of grouped), then run plain MHA
      const rep = (x: Tensor): Tensor => {
        const data = new Float32Array(S * H * D);
        for (let s = 0; s < S; s++)
          for (let h = 0; h < H; h++)
            data.set(
              x.data.subarray((s * Hkv + (h % Hkv)) * D, (s * Hkv + (h % Hkv) + 1) * D),
              (s * H + h) * D,
            );
        return { shape: [S, H, D], data };
      };
      ref.attention(out, q, rep(k), rep(v), { ...o, past: o.past ?? S - T });
    };
    const messages = await failures(
      backendConformance(broken({ attention: wrongGroups }), { numRuns: 40 }),
      'attention',
    );
    expect(messages.length).toBeGreaterThan(0);
  });

  test('an embedding without the id check, and an op that writes into its input', async () => {
    const unchecked: Backend['embedding'] = (out, table, ids) => {
      const C = table.shape[1];
      for (let t = 0; t < ids.length; t++)
        out.data.set(table.data.subarray(ids[t] * C, ids[t] * C + C), t * C);
    };
    const embeddingMessages = await failures(
      backendConformance(broken({ embedding: unchecked }), { numRuns: 5 }),
      'embedding',
    );
    expect(embeddingMessages.some((m) => m.includes('accepted an id ≥ V'))).toBe(true);

    const ref = createReferenceBackend();
    const clobbers: Backend['gelu'] = (out, x) => {
      ref.gelu(out, x);
      if (out.data !== x.data) x.data.fill(0);
    };
    const geluMessages = await failures(
      backendConformance(broken({ gelu: clobbers }), { numRuns: 20 }),
      'gelu',
    );
    expect(geluMessages.join('\n')).toMatch(/broken gelu modified its input x/);
  });

  test('linear that ignores the byteOffset of views (writes at the start of the buffer)', async () => {
    const ref = createReferenceBackend();
    const ignoresOffset: Backend['linear'] = (out, x, w, bias) => {
      const atStart = (t: Tensor): Tensor => ({
        shape: t.shape,
        data: new Float32Array(t.data.buffer, 0, t.data.length),
      });
      ref.linear(atStart(out), atStart(x), w, bias);
    };
    const messages = await failures(
      backendConformance(broken({ linear: ignoresOffset }), { numRuns: 20 }),
      'linear',
    );
    expect(messages.some((m) => m.includes('broken linear outAll vs js-ref'))).toBe(true);
  });

  test('a prepare that binds the input values instead of the tensors (stale on the second run)', async () => {
    const ref = createReferenceBackend();
    const snapshotting: Backend['prepare'] = (op, ...args) => {
      // out (first) is written through; every later tensor argument is a copy taken now
      const copies: unknown[] = args.map((a, i) =>
        i > 0 && typeof a === 'object' && a !== null && 'data' in a
          ? { shape: a.shape, data: a.data.slice() }
          : a,
      );
      return () => (ref[op] as (...a: unknown[]) => void)(...copies);
    };
    const messages = await failures(
      backendConformance(broken({ prepare: snapshotting }), { numRuns: 10, ops: ['add'] }),
      'add',
    );
    expect(
      messages.some((m) => m.includes('broken prepared add out (second run, new inputs) vs js-ref')),
    ).toBe(true);
  });

  test('alloc that returns uninitialised memory', async () => {
    const dirty = broken({
      alloc: (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return { shape: [...shape], data: new Float32Array(n).fill(1) };
      },
    });
    const messages = await failures(backendConformance(dirty, { numRuns: 10 }), 'memory');
    expect(messages.join('\n')).toMatch(/broken alloc/);
  });

  test("a backend that does not support an op fails that op's checks unless ops are restricted", async () => {
    const partial = () => ({ ...createReferenceBackend(), supports: (op: string) => op !== 'rope' });
    const messages = await failures(backendConformance(partial, { numRuns: 1 }), 'rope');
    expect(messages.some((m) => m.includes('does not support rope'))).toBe(true);
    expect(
      backendConformance(partial, { ops: ['matmul'] }).every((c) => c.op === 'matmul' || c.op === 'memory'),
    ).toBe(true);
  });
});
