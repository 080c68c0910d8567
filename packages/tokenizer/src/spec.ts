// The parts a Tokenizer is made of. Loaders (tiktoken file, tokenizer.json, fromVocab) build a spec; the
// Tokenizer runs it; savers read it back. Plain data + one model object, no Tokenizer import: no cycles.

import type { TokenizerModel } from './rank-model';

/** Everything a Tokenizer needs. @internal */
export interface TokenizerSpec {
  /** piece → ids. */
  model: TokenizerModel;
  /** Pre-tokenization regex source (Rust syntax, as in .tiktoken configs); null: the text is one piece. */
  pattern: string | null;
  /** A full pre-tokenization pipeline (tokenizer.json normalizer + pre-tokenizer); replaces `pattern`. */
  preTokenize?: ((text: string) => string[]) | undefined;
  /** Special tokens: matched in the text only when allowed (see `encode`). */
  specialTokens: Map<string, number>;
  /** Non-special added tokens (tokenizer.json): always matched in the text before pre-tokenization. */
  addedTokens: Map<string, number>;
  /** id → bytes that `decode` produces (defaults to model.keys). */
  decodeKeys?: readonly (string | undefined)[] | undefined;
  /** Drop one leading space from the first decoded token (SentencePiece-style Metaspace / Strip decoders). */
  stripLeadingSpace: boolean;
  /** Where it came from, for the savers. */
  origin: { kind: 'ranks' } | { kind: 'hugging-face'; json: Record<string, unknown> };
}
