// @llmf/attention — tokens look at tokens: positions, scaled dot-product attention, causal masks,
// multi-head / grouped-query attention and the KV cache. Model math runs on a @llmf/tensor Backend.

export { LlmfError } from '@llmf/tensor';
export { KVCache, type KVCacheOptions, type KVView } from './kv-cache';
export { causalMask, causalMaskRect } from './mask';
export { type MultiHeadOptions, multiHeadAttention } from './multi-head';
export { learnedPositions, sinusoidalPositions } from './positions';
export { type ApplyRopeOptions, applyRope } from './rope';
export { type SdpaOptions, scaledDotProductAttention } from './sdpa';
