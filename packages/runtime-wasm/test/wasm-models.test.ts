// The four fixture checkpoints through loadModel on the WASM backend with 1 and 2 threads: the logits match
// PyTorch's (fixtures/models/*/expected.safetensors, the fixtures' tolerance) and the 'js' reference backend's
// (1e-4), and greedy generation with the KV cache gives the reference backend's ids.
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index';
import { collect, fixtures } from './llm-helpers';

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const cases = fixtures.flatMap((fixture) => [1, 2].map((threads) => ({ ...fixture, threads })));

describe.each(cases)('$name on wasm, $threads thread(s)', ({ threads, ...fixture }) => {
  it('gives the reference logits and greedy ids', async () => {
    const js = await loadModel(fixture.dir, { backend: 'js' });
    const wasm = await loadModel(fixture.dir, { backend: 'wasm', threads });
    try {
      const logits = await wasm.forward(fixture.promptIds);
      expect(maxDiff(logits, fixture.logits)).toBeLessThan(fixture.tolerance);
      expect(maxDiff(logits, await js.forward(fixture.promptIds))).toBeLessThan(1e-4);
      const greedy = { temperature: 0, maxTokens: 12 };
      const wasmIds = (await collect(wasm.generate(fixture.promptIds, greedy))).ids;
      const jsIds = (await collect(js.generate(fixture.promptIds, greedy))).ids;
      expect(wasmIds).toEqual(jsIds);
    } finally {
      js.dispose();
      wasm.dispose();
    }
  });
});
