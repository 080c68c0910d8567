// The WASM backend's memory: tensors survive memory.grow (their data view follows the buffer), models
// that cannot fit in wasm32's 4 GiB fail with OUT_OF_MEMORY before anything is allocated, and views taken
// before a grow fail with a message saying what happened.
import { rows, tensor } from '@llmf/tensor';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/wasm/index';
import { codeOf } from './wasm-helpers';

describe('wasm backend memory', () => {
  it('keeps tensors valid and intact across memory.grow', async () => {
    const be = await createWasmBackend({ memoryBytes: 65536 });
    const a = be.upload(tensor([1, 2, 3, 4, 5]), 'weights');
    const before = be.memory.buffer.byteLength;
    const big = be.alloc([1 << 20], 'compute'); // 4 MiB: the memory grows
    expect(be.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5]);
    expect(big.data.length).toBe(1 << 20);
    const out = be.alloc([5], 'compute');
    be.scale(out, a, 2);
    expect(Array.from(out.data)).toEqual([2, 4, 6, 8, 10]);
    be.dispose();
  });

  it.each([1, 2])(
    'keeps resident tensors resident when the memory is grown from outside (%i threads)',
    async (threads) => {
      const be = await createWasmBackend({ memoryBytes: 65536, threads });
      const a = be.upload(tensor([1, 2, 3]), 'weights');
      const out = be.alloc([3], 'compute');
      be.scale(out, a, 2); // the backend has seen the current buffer
      be.memory.grow(4); // not through the backend: its idea of the buffer is stale now
      be.scale(out, a, 3);
      expect(Array.from(out.data)).toEqual([3, 6, 9]);
      const x = be.upload(tensor([1, 1, 1]), 'compute');
      be.add(out, out, x); // out and x are both resident: written in place, not through a copy
      expect(Array.from(out.data)).toEqual([4, 7, 10]);
      expect(Array.from(new Float32Array(be.memory.buffer, out.data.byteOffset, 3))).toEqual([4, 7, 10]);
      be.dispose();
    },
  );

  it('rejects a model larger than 4 GiB with OUT_OF_MEMORY before allocating it', async () => {
    const be = await createWasmBackend();
    expect(codeOf(() => be.reserve(5 * 2 ** 30))).toBe('OUT_OF_MEMORY');
    expect(codeOf(() => be.alloc([2 ** 30 + 1], 'weights'))).toBe('OUT_OF_MEMORY');
    expect(be.bytesInUse).toBe(0);
    const t = be.alloc([3], 'compute'); // still usable
    expect(Array.from(t.data)).toEqual([0, 0, 0]);
    be.dispose();
  });

  it('explains a view taken before the memory grew', async () => {
    const be = await createWasmBackend({ memoryBytes: 65536 });
    const x = be.upload(tensor([1, 2, 3, 4], [2, 2]), 'compute');
    const firstRow = rows(x, 0, 1); // a view of the current buffer
    be.alloc([1 << 20], 'compute'); // grows: firstRow.data is detached
    const out = be.alloc([1, 2], 'compute');
    expect(() => be.scale(out, firstRow, 1)).toThrow(/before the memory grew/);
    be.scale(out, rows(x, 0, 1), 3); // a view taken now works
    expect(Array.from(out.data)).toEqual([3, 6]);
    be.dispose();
  });

  it('rejects use after dispose and bad options', async () => {
    const be = await createWasmBackend();
    const t = be.alloc([2], 'compute');
    be.dispose();
    expect(codeOf(() => be.scale(t, t, 1))).toBe('INVALID_ARGUMENT');
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads/);
    await expect(createWasmBackend({ memoryBytes: 5 * 2 ** 30 })).rejects.toThrow(/4 GiB/);
  });
});
