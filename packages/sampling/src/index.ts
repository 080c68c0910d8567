// @llmf/sampling — logits → next token. Stage ⑤ of the pipeline:
// text → tokens → embeddings → blocks → logits [V] → **sampling** → token id.
export { LlmfError, type LlmfErrorCode } from './errors';
export { minP } from './min-p';
export { applyRepetitionPenalty } from './repetition-penalty';
export { createRng, type Rng, randomSeed, xoshiro128ss } from './rng';
export { type SampleOptions, sample } from './sample';
export { sampleFrom } from './sample-from';
export { greedy, logSoftmax, softmax } from './softmax';
export { topK } from './top-k';
export { topP } from './top-p';
