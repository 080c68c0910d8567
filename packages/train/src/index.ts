// @llmf/train — learning the weights: backprop through GPT-2 blocks, AdamW, checkpoints.
export { AdamW, type AdamWOptions, type OptimizedParam } from './adamw';
export {
  type CheckpointFiles,
  type CheckpointOptions,
  checkpointFiles,
  type LoadedCheckpoint,
  loadCheckpoint,
  loadMoments,
  loadWeights,
  saveCheckpoint,
  type TrainerState,
} from './checkpoint';
export { clipGradNorm, gradNorm } from './clip';
export { checkConfig, fromHuggingFaceConfig, type Gpt2Config, toHuggingFaceConfig } from './config';
export { type Batch, DataLoader } from './data';
export { attentionBackward, attentionForward } from './kernels/attention';
export { type AttentionScratch, attentionScratchSizes, BackendAttention } from './kernels/attention-backend';
export { crossEntropy } from './kernels/cross-entropy';
export { encoderBackward, encoderForward } from './kernels/encoder';
export { geluBackward, geluForward } from './kernels/gelu';
export { Gemm, gemmScratchSize, transpose } from './kernels/gemm';
export { layerNormBackward, layerNormForward } from './kernels/layer-norm';
export { accumulate, residualForward } from './kernels/residual';
export { Gpt2Model } from './model';
export {
  allocParams,
  type BlockParams,
  countParams,
  type Gpt2Params,
  initParams,
  type NamedParam,
  namedParams,
} from './params';
export { Rng } from './rng';
export { learningRate, type ScheduleOptions } from './schedule';
export { type EvalProgress, type TrainOptions, type TrainProgress, type TrainResult, train } from './train';
