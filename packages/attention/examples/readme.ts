// The README example. test/readme.test.ts runs it and checks what it prints.
import { causalMask, KVCache, scaledDotProductAttention, sinusoidalPositions } from '@llmf/attention';
import { createReferenceBackend, tensor } from '@llmf/tensor';

// The seed's dry run: "The cat sat", d_k = 4
const Q = tensor([
  [1, 0, 1, 0],
  [0, 1, 0, 1],
  [1, 1, 0, 0],
]);
const K = tensor([
  [1, 1, 0, 0],
  [0, 0, 1, 1],
  [1, 0, 1, 0],
]);
const V = tensor([
  [1, 0, 1, 0],
  [0, 1, 0, 1],
  [1, 1, 0, 0],
]);

const round = (xs: Float32Array) => Array.from(xs, (x) => Number(x.toFixed(2)));
const { output, weights } = scaledDotProductAttention(Q, K, V); // softmax(Q·Kᵀ/√4)·V
console.log(round(weights.data)); // [0.27, 0.27, 0.45, 0.38, 0.38, 0.23, 0.51, 0.19, 0.31]
console.log(round(output.data.subarray(0, 4))); // [0.73, 0.73, 0.27, 0.27]

// decoder-only: "The cat sat on" may not look ahead
const mask = causalMask(4); // 0 = allowed, −∞ = masked
for (let i = 0; i < 4; i++) {
  console.log(Array.from(mask.data.subarray(i * 4, i * 4 + 4), (m) => (m === 0 ? '✓' : '✗')).join(' '));
}
const causal = scaledDotProductAttention(Q, K, V, { causal: true });
console.log(round(causal.weights.data.subarray(0, 3))); // [1, 0, 0]  "The" sees only itself

// positions: sinusoidal table [n, d]
console.log(round(sinusoidalPositions(2, 4).data)); // [0, 1, 0, 1, 0.84, 0.54, 0.01, 1]

// a KV cache for 2 layers, 8 positions, 1 kv head of size 4: allocated once, filled row by row
const cache = new KVCache(createReferenceBackend(), { nLayer: 2, maxTokens: 8, nKvHead: 1, dHead: 4 });
const { keys } = cache.append(0, tensor(K.data, [3, 1, 4]), tensor(V.data, [3, 1, 4]));
console.log(keys.shape); // [3, 1, 4]  the filled rows, a view
