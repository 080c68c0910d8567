// trainBPE: learn a byte-pair-encoding vocabulary from a corpus and return a ready Tokenizer.
//
//   corpus → [split on special tokens] → pre-tokenize → count unique pieces → learn merges → Tokenizer
//
// The Tokenizer merges tiktoken-style (rank = id): because every learned token gets the next id, merging by
// rank replays the learned merges in the order they were learned.

import { Tokenizer } from '../tokenizer';
import { checkTrainArguments, SPACE_MARKER, type TrainOptions, trainVocabulary } from './train-vocabulary';

export type { Merge, TrainOptions } from './train-vocabulary';

/**
 * Trains a BPE tokenizer on `corpus` (one text, or many: pieces never span two texts).
 *
 * - `granularity: 'byte'` (default, GPT-2 style): GPT-2's pre-tokenization pattern, base vocabulary = the
 *   256 bytes (ids 0..255 in byte order), then the merged tokens, then `specialTokens`.
 * - `granularity: 'char'` (the seed's teaching mode): words and spaces are separate pieces, the base
 *   vocabulary is the corpus's characters in order of first appearance with the space, shown as `_`, last.
 *
 * Each step merges the most frequent adjacent pair (counted over all pieces, each position once).
 * Tie-break: equal counts → the pair with the smaller first id, then the smaller second id. Training stops
 * at `vocabSize` tokens (base + merged + special) or when no pair is left. Special tokens are cut out of the
 * corpus before counting, so they are never merged into other tokens.
 *
 * Throws InvalidArgumentError (an LlmfError, code 'INVALID_ARGUMENT') for a corpus that is not text, a vocabSize smaller than the base
 * vocabulary (+ special tokens), or (char level) a corpus containing the space marker `_`.
 *
 * @example
 * const tok = trainBPE('low lower lowest lowly', { vocabSize: 12, granularity: 'char' });
 * tok.encode('lowest');   // [11, 5, 6]
 * tok.tokenize('lowest'); // ['lowe', 's', 't']
 */
export function trainBPE(corpus: string | Iterable<string>, o: TrainOptions): Tokenizer {
  checkTrainArguments(corpus, o);
  const vocabulary = trainVocabulary(corpus, o);
  return Tokenizer.fromVocab({
    tokens: vocabulary.tokens,
    pattern: vocabulary.pattern,
    specialTokens: vocabulary.specialTokens,
    granularity: vocabulary.granularity,
    ...(vocabulary.granularity === 'char' ? { spaceMarker: SPACE_MARKER } : {}),
  });
}
