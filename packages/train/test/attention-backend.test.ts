// The backend-routed attention equals the plain-loop kernels (which are checked against finite differences).
import { test } from '@fast-check/vitest';
import { createReferenceBackend } from '@llmf/tensor';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  attentionBackward,
  attentionForward,
  attentionScratchSizes,
  BackendAttention,
  Rng,
} from '../src/index';

test.prop(
  [
    fc.integer({ min: 1, max: 2 }),
    fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  ],
  { numRuns: 60 },
)('BackendAttention forward and backward equal the loop kernels', (B, T, H, D, s) => {
  const rng = new Rng(s);
  const C = H * D;
  const qkv = Float32Array.from({ length: B * T * 3 * C }, () => rng.normal());
  const dout = Float32Array.from({ length: B * T * C }, () => rng.normal());
  const [q, k, v, qh, kh, vh, doh, outh, scores, scoresT] = attentionScratchSizes(T, C, H).map(
    (n) => new Float32Array(n),
  );
  const routed = new BackendAttention(createReferenceBackend(), {
    q,
    k,
    v,
    qh,
    kh,
    vh,
    doh,
    outh,
    scores,
    scoresT,
  } as never);
  const out1 = new Float32Array(B * T * C);
  const att1 = new Float32Array(B * H * T * T);
  const out2 = new Float32Array(B * T * C);
  const att2 = new Float32Array(B * H * T * T);
  attentionForward(out1, att1, qkv, B, T, C, H);
  routed.forward(out2, att2, qkv, B, T, C, H);
  const d1 = new Float32Array(qkv.length);
  const d2 = new Float32Array(qkv.length);
  attentionBackward(d1, dout, qkv, att1, new Float32Array(T), B, T, C, H);
  routed.backward(d2, dout, qkv, att2, B, T, C, H);
  const close = (a: Float32Array, b: Float32Array) =>
    a.every((x, i) => Math.abs(x - b[i]) <= 1e-5 + 1e-4 * Math.abs(b[i]));
  expect(close(out2, out1)).toBe(true);
  expect(close(att2, att1)).toBe(true);
  expect(close(d2, d1)).toBe(true);
});
