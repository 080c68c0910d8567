// The parameters of a GPT-2 model, named and shaped exactly as a Hugging Face GPT2Model state dict
// (Conv1D weights stored [in, out]), so a checkpoint is the tensors written as they are.

import type { Tensor } from '@llmf/tensor';
import type { Gpt2Config } from './config';
import type { Rng } from './rng';

/** The tensors of one transformer block. C = nEmbd. */
export interface BlockParams {
  ln1Weight: Tensor; // [C]
  ln1Bias: Tensor; // [C]
  attnWeight: Tensor; // [C, 3C]  c_attn, Conv1D [in, out]: q | k | v columns
  attnBias: Tensor; // [3C]
  attnProjWeight: Tensor; // [C, C]
  attnProjBias: Tensor; // [C]
  ln2Weight: Tensor; // [C]
  ln2Bias: Tensor; // [C]
  fcWeight: Tensor; // [C, 4C]
  fcBias: Tensor; // [4C]
  fcProjWeight: Tensor; // [4C, C]
  fcProjBias: Tensor; // [C]
}

/** All parameters (or, with the same shapes, all gradients) of a GPT-2 model. */
export interface Gpt2Params {
  wte: Tensor; // [V, C] token embedding, also the LM head (tied)
  wpe: Tensor; // [P, C] learned positions
  blocks: BlockParams[];
  lnfWeight: Tensor; // [C]
  lnfBias: Tensor; // [C]
}

/** One parameter: its Hugging Face name, its tensor, and whether AdamW decays it (matrices only). */
export interface NamedParam {
  name: string;
  tensor: Tensor;
  decay: boolean;
}

/** Allocates zeroed parameters (or gradients) for a config with `alloc` (e.g. `zeros`, or a backend's). */
export function allocParams(config: Gpt2Config, alloc: (shape: number[]) => Tensor): Gpt2Params {
  const { vocabSize: V, nPositions: P, nEmbd: C, nLayer: L } = config;
  const a = alloc;
  const blocks: BlockParams[] = [];
  for (let l = 0; l < L; l++) {
    blocks.push({
      ln1Weight: a([C]),
      ln1Bias: a([C]),
      attnWeight: a([C, 3 * C]),
      attnBias: a([3 * C]),
      attnProjWeight: a([C, C]),
      attnProjBias: a([C]),
      ln2Weight: a([C]),
      ln2Bias: a([C]),
      fcWeight: a([C, 4 * C]),
      fcBias: a([4 * C]),
      fcProjWeight: a([4 * C, C]),
      fcProjBias: a([C]),
    });
  }
  return { wte: a([V, C]), wpe: a([P, C]), blocks, lnfWeight: a([C]), lnfBias: a([C]) };
}

/** The parameters in Hugging Face order and naming (`wte.weight`, `h.0.ln_1.weight`, ...). */
export function namedParams(p: Gpt2Params): NamedParam[] {
  const out: NamedParam[] = [
    { name: 'wte.weight', tensor: p.wte, decay: true },
    { name: 'wpe.weight', tensor: p.wpe, decay: true },
  ];
  p.blocks.forEach((b, l) => {
    const h = `h.${l}`;
    out.push(
      { name: `${h}.ln_1.weight`, tensor: b.ln1Weight, decay: false },
      { name: `${h}.ln_1.bias`, tensor: b.ln1Bias, decay: false },
      { name: `${h}.attn.c_attn.weight`, tensor: b.attnWeight, decay: true },
      { name: `${h}.attn.c_attn.bias`, tensor: b.attnBias, decay: false },
      { name: `${h}.attn.c_proj.weight`, tensor: b.attnProjWeight, decay: true },
      { name: `${h}.attn.c_proj.bias`, tensor: b.attnProjBias, decay: false },
      { name: `${h}.ln_2.weight`, tensor: b.ln2Weight, decay: false },
      { name: `${h}.ln_2.bias`, tensor: b.ln2Bias, decay: false },
      { name: `${h}.mlp.c_fc.weight`, tensor: b.fcWeight, decay: true },
      { name: `${h}.mlp.c_fc.bias`, tensor: b.fcBias, decay: false },
      { name: `${h}.mlp.c_proj.weight`, tensor: b.fcProjWeight, decay: true },
      { name: `${h}.mlp.c_proj.bias`, tensor: b.fcProjBias, decay: false },
    );
  });
  out.push(
    { name: 'ln_f.weight', tensor: p.lnfWeight, decay: false },
    { name: 'ln_f.bias', tensor: p.lnfBias, decay: false },
  );
  return out;
}

/** Number of scalars in the parameters (the tied head is counted once). */
export function countParams(p: Gpt2Params): number {
  return namedParams(p).reduce((n, q) => n + q.tensor.data.length, 0);
}

/**
 * GPT-2 initialisation (as nanoGPT): matrices ~ N(0, 0.02), the two residual projections
 * (attn.c_proj, mlp.c_proj) ~ N(0, 0.02/√(2L)), biases 0, LayerNorm weights 1.
 */
export function initParams(p: Gpt2Params, config: Gpt2Config, rng: Rng): void {
  const fill = (t: Tensor, std: number) => {
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal(0, std);
  };
  const residualStd = 0.02 / Math.sqrt(2 * config.nLayer);
  fill(p.wte, 0.02);
  fill(p.wpe, 0.02);
  for (const b of p.blocks) {
    b.ln1Weight.data.fill(1);
    b.ln1Bias.data.fill(0);
    fill(b.attnWeight, 0.02);
    b.attnBias.data.fill(0);
    fill(b.attnProjWeight, residualStd);
    b.attnProjBias.data.fill(0);
    b.ln2Weight.data.fill(1);
    b.ln2Bias.data.fill(0);
    fill(b.fcWeight, 0.02);
    b.fcBias.data.fill(0);
    fill(b.fcProjWeight, residualStd);
    b.fcProjBias.data.fill(0);
  }
  p.lnfWeight.data.fill(1);
  p.lnfBias.data.fill(0);
}
