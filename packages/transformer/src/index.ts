// @llmf/transformer — the stack of blocks: configs, checkpoint → model, ids → logits.

export { LlmfError } from '@llmf/tensor';
export { configFromHuggingFace, createConfig, type ModelConfig, type ModelConfigInit } from './config';
export { ModelFormatError } from './errors';
export { randomTensors } from './init';
export { type LoadTransformerOptions, loadTransformer, Transformer } from './transformer';
export {
  expectedTensors,
  type LayerWeights,
  type ModelWeights,
  mapTensors,
  type TensorNaming,
  type TensorSource,
  type TensorSpec,
  tensorSourceOf,
} from './weights';
