// The same model on the WASM SIMD backend (@llmf/runtime-wasm) and on the JS reference backend: equal loss
// and gradients within f32 tolerance, so the training run's fast path computes what the tests check.
import { selectBackend } from '@llmf/runtime-wasm';
import { createReferenceBackend } from '@llmf/tensor';
import { expect, it } from 'vitest';
import { Gpt2Model, initParams, namedParams, Rng } from '../src/index';

it('forward and backward on wasm equal the reference backend', async () => {
  const config = { vocabSize: 50, nPositions: 12, nEmbd: 16, nLayer: 2, nHead: 4 };
  const B = 3;
  const T = 12;
  const wasm = new Gpt2Model(config, await selectBackend('wasm'), B);
  const ref = new Gpt2Model(config, createReferenceBackend(), B);
  initParams(ref.params, config, new Rng(3));
  namedParams(wasm.params).forEach((p, i) => {
    p.tensor.data.set(namedParams(ref.params)[i]!.tensor.data);
  });
  const rng = new Rng(4);
  const ids = Array.from({ length: B * T }, () => rng.int(50));
  const targets = Array.from({ length: B * T }, () => rng.int(50));
  const lossRef = ref.forward(ids, B, T, targets);
  const lossWasm = wasm.forward(ids, B, T, targets);
  expect(Math.abs(lossWasm - lossRef)).toBeLessThan(1e-5);
  for (const m of [ref, wasm]) {
    m.zeroGrad();
    m.backward();
  }
  const g = namedParams(wasm.grads);
  namedParams(ref.grads).forEach((r, i) => {
    const w = g[i]!.tensor.data;
    const scale = Math.max(1e-3, ...r.tensor.data.map(Math.abs));
    const worst = Math.max(...r.tensor.data.map((x, j) => Math.abs(x - w[j]!)));
    expect({ name: r.name, relative: worst / scale < 1e-3 }).toEqual({ name: r.name, relative: true });
  });
});
