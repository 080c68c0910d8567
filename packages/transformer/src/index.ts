export { LlmfError } from '@llmf/tensor';
