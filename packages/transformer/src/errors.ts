import { LlmfError } from '@llmf/tensor';

/** A checkpoint or config that cannot be read as a model (code 'MODEL_FORMAT'); the message says what to fix. */
export class ModelFormatError extends LlmfError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', message, options);
  }
}
