import { LlmfError } from './errors';

/** A tokenizer file (.tiktoken, tokenizer.json, vocab.json, merges.txt) could not be read. */
export class TokenizerFormatError extends LlmfError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TOKENIZER_FORMAT', message, options);
  }
}

/** The text contains a special token that `encode` was not allowed to produce. */
export class DisallowedSpecialError extends LlmfError {
  /** The special-token text that was found. */
  readonly token: string;
  constructor(token: string) {
    super(
      'DISALLOWED_SPECIAL',
      `The text contains the special token ${JSON.stringify(token)}, which is disallowed. ` +
        `Pass { allowedSpecial: [${JSON.stringify(token)}] } (or 'all') to encode it as one special token, ` +
        `or { disallowedSpecial: [] } to encode it as ordinary text.`,
    );
    this.token = token;
  }
}

/** An id with no token (decode), or a character with no token (char-granularity encode). */
export class UnknownTokenError extends LlmfError {
  constructor(message: string) {
    super('UNKNOWN_TOKEN', message);
  }
}

/** `getEncoding` was given a name it does not know. */
export class UnknownEncodingError extends LlmfError {
  constructor(name: unknown) {
    super(
      'UNKNOWN_ENCODING',
      `Unknown encoding ${JSON.stringify(String(name))}; expected one of r50k_base, p50k_base, cl100k_base, o200k_base.`,
    );
  }
}

/** An argument has the wrong type or value. */
export class InvalidArgumentError extends LlmfError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The operation is not possible for this tokenizer (e.g. saving a char-level tokenizer as .tiktoken). */
export class UnsupportedError extends LlmfError {
  constructor(message: string) {
    super('UNSUPPORTED', message);
  }
}
