// Fallbacks: threads where SharedArrayBuffer is missing (one thread, one warning), and loadModel's 'wasm'
// backend where WebAssembly SIMD is missing (the 'js' reference backend, one warning).
import { createReferenceBackend, tensor } from '@llmf/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../src/select-backend';
import { createWasmBackend } from '../src/wasm/index';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('fallbacks', () => {
  it('runs one thread, and says so once, without SharedArrayBuffer', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const first = await createWasmBackend({ threads: 2 });
    const second = await createWasmBackend({ threads: 4 });
    expect(first.threads).toBe(1);
    expect(second.threads).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/1 thread.*SharedArrayBuffer/);
    const x = tensor([[1, 2, 3]]);
    const w = tensor([
      [1, 1, 1],
      [0, 2, 0],
    ]);
    const out = first.alloc([1, 2], 'compute');
    first.linear(out, x, w);
    const expected = createReferenceBackend().alloc([1, 2], 'compute');
    createReferenceBackend().linear(expected, x, w);
    expect(Array.from(out.data)).toEqual(Array.from(expected.data));
    first.dispose();
    second.dispose();
  });

  it("gives the 'js' backend, with one warning, where WebAssembly SIMD is missing", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const a = await selectBackend('wasm');
    const b = await selectBackend(undefined, 2);
    expect(a.name).toBe('js-ref');
    expect(b.name).toBe('js-ref');
    expect(warn).toHaveBeenCalledTimes(1);
    await expect(createWasmBackend()).rejects.toThrow(/SIMD/);
  });

  it('gives the wasm backend by default where SIMD is there', async () => {
    const be = await selectBackend(undefined, 2);
    expect(be.name).toBe('wasm-simd');
    be.dispose();
  });
});
