// @llmf/tokenizer — text ⇄ token ids (byte-pair encoding with tiktoken semantics).

export { type EncodingName, getEncoding } from './encodings/index';
export {
  DisallowedSpecialError,
  InvalidArgumentError,
  TokenizerFormatError,
  UnknownEncodingError,
  UnknownTokenError,
  UnsupportedError,
} from './error-types';
export { LlmfError, type LlmfErrorCode } from './errors';
export { CL100K_PATTERN, O200K_PATTERN, P50K_PATTERN, R50K_PATTERN } from './patterns';
export {
  type EncodeOptions,
  type StreamDecoder,
  type TiktokenOptions,
  Tokenizer,
  type VocabAndMergesOptions,
  type VocabOptions,
} from './tokenizer';
export { type Merge, type TrainOptions, trainBPE } from './train/index';
