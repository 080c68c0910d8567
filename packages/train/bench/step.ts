// Training throughput: median time of one optimizer step (forward + backward + clip + AdamW) for a
// GPT-2 size, on the JS reference backend (`js`) or the WASM SIMD backend of @llmf/runtime-wasm (`wasm`).
// Run: pnpm --filter @llmf/train bench [-- C L H V T B]

import { selectBackend } from '@llmf/runtime-wasm';
import { type Backend, createReferenceBackend } from '@llmf/tensor';
import { AdamW, clipGradNorm, Gpt2Model, initParams, namedParams, Rng } from '../src/index';

const args = process.argv.slice(2).filter((a) => a !== '--');
const which = args[0] ?? 'js';
const [C, L, H, V, T, B, threads] = (
  args.length > 1 ? args.slice(1) : ['128', '4', '4', '2048', '128', '8', '1']
).map(Number);
const config = { vocabSize: V, nPositions: T, nEmbd: C, nLayer: L, nHead: H };
const backend: Backend = which === 'wasm' ? await selectBackend('wasm', threads) : createReferenceBackend();
const model = new Gpt2Model(config, backend, B);
initParams(model.params, config, new Rng(1));
const named = namedParams(model.params);
const grads = namedParams(model.grads);
const opt = new AdamW(
  named.map((p, i) => ({ name: p.name, param: p.tensor, grad: grads[i]!.tensor, decay: p.decay })),
);
const rng = new Rng(2);
const ids = Int32Array.from({ length: B * T }, () => rng.int(V));
const targets = Int32Array.from({ length: B * T }, () => rng.int(V));
const times: number[] = [];
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  model.forward(ids, B, T, targets);
  model.zeroGrad();
  model.backward();
  clipGradNorm(
    grads.map((g) => g.tensor),
    1,
  );
  opt.update(1e-3);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const params = named.reduce((n, p) => n + p.tensor.data.length, 0);
console.log(`| backend | C | L | H | V | T | B | params | step ms (median of ${times.length}) | tokens/s |`);
console.log(
  `| ${backend.name} | ${C} | ${L} | ${H} | ${V} | ${T} | ${B} | ${params} | ${median.toFixed(0)} | ${((B * T) / (median / 1000)).toFixed(0)} |`,
);
console.log(
  JSON.stringify({
    backend: backend.name,
    C,
    L,
    H,
    V,
    T,
    B,
    params,
    stepMs: median,
    tokensPerSecond: (B * T) / (median / 1000),
  }),
);
