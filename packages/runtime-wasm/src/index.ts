// @llmf/runtime-wasm — the runtime: load a Hugging Face-style model folder and stream tokens.
export { LlmfError } from '@llmf/tensor';
export type {
  FinishReason,
  GeneratedToken,
  GenerateOptions,
  Generation,
  GenerationStats,
} from './generate';
export type { LLM } from './llm';
export { type LoadModelOptions, loadModel, loadTokenizer, type ModelTokenizer } from './load-model';
export type { ModelFiles, ProgressCallback } from './model-files';
export { type BackendName, defaultBackend, selectBackend } from './select-backend';
export {
  createWasmBackend,
  type SimdLevel,
  type WasmBackend,
  type WasmBackendOptions,
  wasmSimdSupported,
} from './wasm/index';
