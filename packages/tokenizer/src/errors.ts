// The one error type of @llmf. Every package that depends on nothing of ours keeps a copy of this file
// (tokenizer, tensor, sampling); the others re-export @llmf/tensor's. The copies recognise each other:
// `LlmfError.isInstance(e)` checks a marker registered with Symbol.for, not the class identity, so it holds
// across duplicate installs and package boundaries.

const marker = Symbol.for('llmf.error');

/** Machine-readable error codes; the message says what to do. */
export type LlmfErrorCode =
  | 'INVALID_ARGUMENT'
  | 'MODEL_FORMAT'
  | 'TOKENIZER_FORMAT'
  | 'UNKNOWN_ENCODING'
  | 'UNKNOWN_TOKEN'
  | 'DISALLOWED_SPECIAL'
  | 'SHAPE_MISMATCH'
  | 'CONTEXT_OVERFLOW'
  | 'OUT_OF_MEMORY'
  | 'UNSUPPORTED'
  | 'ABORTED'
  | (string & {});

export class LlmfError extends Error {
  readonly [marker] = true;
  readonly code: LlmfErrorCode;

  constructor(code: LlmfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** True for an LlmfError from any copy of any @llmf package. */
  static isInstance(value: unknown): value is LlmfError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}
