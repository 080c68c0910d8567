// Scratch buffers for one forward call of up to B tokens, allocated once from the config with
// backend.alloc(…, 'compute'): no allocation per token. Calls use views of the first T ≤ B rows.
// Legend: B = rows per call (chunk), C = d_model, H = heads, Hkv = kv heads, D = d_head, F = d_ff, V = vocab.

import { type Backend, rows, type Tensor } from '@llmf/tensor';
import type { ModelConfig } from './config';

/** The activation buffers of a model (each [B, …]). */
export interface Activations {
  rows: number; // B
  x: Tensor; // [B, C] residual stream
  xn: Tensor; // [B, C] normalised input of a sublayer
  sub: Tensor; // [B, C] sublayer output (attention or FFN)
  qkv: Tensor; // [B, H·D + 2·Hkv·D] q|k|v of one product
  q: Tensor; // [B, H·D]
  k: Tensor; // [B, Hkv·D]
  v: Tensor; // [B, Hkv·D]
  heads: Tensor; // [B, H·D] attention heads, concatenated
  up: Tensor; // [B, F]
  gate: Tensor; // [B, F] (SwiGLU; the plain MLP shares `up`)
  act: Tensor; // [B, F]
  logits: Tensor; // [B, V]
  ones: Tensor; // [1, maxT] filled with 1: mean pooling as a matmul
  pooled: Tensor; // [1, C]
}

/** Allocate activations for calls of up to `B` tokens (and mean pooling over up to `poolRows`). */
export function allocActivations(backend: Backend, c: ModelConfig, B: number, poolRows: number): Activations {
  const alloc = (shape: number[]) => backend.alloc(shape, 'compute');
  const qDim = c.nHead * c.dHead;
  const kvDim = c.nKvHead * c.dHead;
  const ones = alloc([1, poolRows]);
  ones.data.fill(1);
  const up = alloc([B, c.dFf]);
  return {
    rows: B,
    x: alloc([B, c.dModel]),
    xn: alloc([B, c.dModel]),
    sub: alloc([B, c.dModel]),
    qkv: alloc([B, qDim + 2 * kvDim]),
    q: alloc([B, qDim]),
    k: alloc([B, kvDim]),
    v: alloc([B, kvDim]),
    heads: alloc([B, qDim]),
    up,
    gate: c.ffn === 'swiglu' ? alloc([B, c.dFf]) : up, // unused by the plain MLP
    act: alloc([B, c.dFf]),
    logits: alloc([B, c.vocabSize]),
    ones,
    pooled: alloc([1, c.dModel]),
  };
}

/** Views of the first T rows of every buffer. */
export function firstRows(a: Activations, T: number): Activations {
  const view = (t: Tensor) => rows(t, 0, T);
  return {
    rows: T,
    x: view(a.x),
    xn: view(a.xn),
    sub: view(a.sub),
    qkv: view(a.qkv),
    q: view(a.q),
    k: view(a.k),
    v: view(a.v),
    heads: view(a.heads),
    up: view(a.up),
    gate: view(a.gate),
    act: view(a.act),
    logits: view(a.logits),
    ones: a.ones,
    pooled: a.pooled,
  };
}
