export { LlmfError, type LlmfErrorCode } from './errors';
