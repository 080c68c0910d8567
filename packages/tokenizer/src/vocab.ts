// fromVocab: a tokenizer from id → token bytes (the trainer's output). rank = id, tiktoken-style merging,
// from bytes or from characters.

import { bytesToKey, utf8Key } from './bytes';
import { InvalidArgumentError, TokenizerFormatError } from './error-types';
import { RankModel } from './rank-model';
import type { TokenizerSpec } from './spec';
import { specialTokenMap } from './special-tokens';

/** Options of `Tokenizer.fromVocab` (@internal, used by trainBPE). */
export interface VocabOptions {
  /** id → token bytes (UTF-8 bytes for char-level tokens). */
  tokens: readonly Uint8Array[];
  /** Pre-tokenization regex source (null: the whole text is one piece). */
  pattern: string | null;
  /** Special-token text → id (ids after the ordinary tokens). */
  specialTokens?: Record<string, number>;
  /** 'char': BPE starts from Unicode characters instead of bytes; an unknown character throws UNKNOWN_TOKEN. */
  granularity?: 'byte' | 'char';
  /** Char mode only: input ' ' is encoded as this token and decoded back to ' '; tokenize() shows the marker. */
  spaceMarker?: string;
}

export function vocabSpec(o: VocabOptions): TokenizerSpec {
  if (typeof o !== 'object' || o === null || !Array.isArray(o.tokens)) {
    throw new InvalidArgumentError('fromVocab needs { tokens: Uint8Array[], pattern: string | null }.');
  }
  if (o.pattern !== null && typeof o.pattern !== 'string') {
    throw new InvalidArgumentError('fromVocab: pattern must be a regex string or null.');
  }
  const granularity = o.granularity ?? 'byte';
  if (granularity !== 'byte' && granularity !== 'char') {
    throw new InvalidArgumentError(
      `fromVocab: granularity must be 'byte' or 'char', got ${String(granularity)}.`,
    );
  }
  const marker = o.spaceMarker;
  if (
    marker !== undefined &&
    (granularity !== 'char' || typeof marker !== 'string' || [...marker].length !== 1)
  ) {
    throw new InvalidArgumentError(
      'fromVocab: spaceMarker must be one character and needs granularity "char".',
    );
  }
  const ranks = new Map<string, number>();
  o.tokens.forEach((bytes, id) => {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
      throw new TokenizerFormatError(`fromVocab: token ${id} must be a non-empty Uint8Array.`);
    }
    const key = bytesToKey(bytes);
    if (ranks.has(key))
      throw new TokenizerFormatError(`fromVocab: tokens ${ranks.get(key)} and ${id} are equal.`);
    ranks.set(key, id);
  });
  const model = new RankModel(ranks, { charLevel: granularity === 'char', spaceMarker: marker });
  let decodeKeys: (string | undefined)[] | undefined;
  if (marker !== undefined) {
    const markerKey = utf8Key(marker);
    decodeKeys = model.keys.map((key) => key?.replaceAll(markerKey, ' '));
  }
  return {
    model,
    pattern: o.pattern,
    specialTokens: specialTokenMap(o.specialTokens, ranks.values()),
    addedTokens: new Map(),
    decodeKeys,
    stripLeadingSpace: false,
    origin: { kind: 'ranks' },
  };
}
