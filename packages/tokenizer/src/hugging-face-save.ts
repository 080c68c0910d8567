// TokenizerSpec → tokenizer.json. A tokenizer loaded from tokenizer.json is written back as it was read.
// A rank (tiktoken-style) tokenizer becomes a BPE model with `ignore_merges: true` and the merge list
// recovered from the ranks — the conversion Llama-3-style tokenizer.json files use: for each token, run
// BPE on its own bytes with only lower ranks; the two parts left are its merge.

import { keyToByteLevel } from './byte-level';
import { keyToText, utf8SequenceLength } from './bytes';
import { RankModel } from './rank-model';
import type { TokenizerSpec } from './spec';

/** The two parts rank-BPE leaves of `key` when only ranks below `maxRank` may merge (null: not two). */
export function mergeSplit(
  ranks: Map<string, number>,
  key: string,
  charLevel: boolean,
  maxRank: number,
): [string, string] | null {
  const bounds: number[] = [];
  for (let i = 0; i < key.length; i += charLevel ? utf8SequenceLength(key.charCodeAt(i)) : 1) bounds.push(i);
  bounds.push(key.length);
  // pairRanks[i] = rank of parts i ++ i+1 when below maxRank, else Infinity (kept up to date per merge)
  const rankOf = (i: number): number => {
    const r = ranks.get(key.slice(bounds[i]!, bounds[i + 2]!));
    return r !== undefined && r < maxRank ? r : Infinity;
  };
  const pairRanks: number[] = [];
  for (let i = 0; i + 2 < bounds.length; i++) pairRanks.push(rankOf(i));
  while (bounds.length > 3) {
    let min = Infinity;
    let at = -1;
    for (let i = 0; i < pairRanks.length; i++) {
      if (pairRanks[i]! < min) {
        min = pairRanks[i]!;
        at = i;
      }
    }
    if (at < 0) return null;
    bounds.splice(at + 1, 1);
    pairRanks.splice(at + 1, 1);
    if (at + 2 < bounds.length) pairRanks[at] = rankOf(at);
    else pairRanks.pop();
    if (at > 0) pairRanks[at - 1] = rankOf(at - 1);
  }
  if (bounds.length !== 3) return null;
  return [key.slice(0, bounds[1]), key.slice(bounds[1])];
}

/** tokenizer.json object for a spec. */
export function toHuggingFaceJson(spec: TokenizerSpec): Record<string, unknown> {
  if (spec.origin.kind === 'hugging-face') return structuredClone(spec.origin.json);
  const model = spec.model as RankModel;
  const charLevel = model instanceof RankModel && model.charLevel;
  const marker = model instanceof RankModel ? model.spaceMarker : undefined;
  const show = (key: string): string => (charLevel ? keyToText(key) : keyToByteLevel(key));
  // subtle: a null prototype, so a token "__proto__" is a key like any other
  const vocab: Record<string, number> = Object.create(null);
  const merges: [string, string][] = [];
  model.keys.forEach((key, id) => {
    if (key === undefined) return;
    vocab[show(key)] = id;
    const split = key.length > 1 ? mergeSplit(model.ranks, key, charLevel, id) : null;
    if (split) merges.push([show(split[0]), show(split[1])]);
  });
  const split =
    spec.pattern === null
      ? []
      : [{ type: 'Split', pattern: { Regex: spec.pattern }, behavior: 'Isolated', invert: false }];
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
  const metaspace = { type: 'Metaspace', replacement: marker, prepend_scheme: 'never', split: false };
  const preTokenizers = [...split, ...(charLevel ? (marker ? [metaspace] : []) : [byteLevel])];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...spec.specialTokens].map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer:
      preTokenizers.length === 1 ? preTokenizers[0] : { type: 'Sequence', pretokenizers: preTokenizers },
    post_processor: null,
    decoder: charLevel ? (marker ? metaspace : { type: 'Fuse' }) : byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab,
      merges,
    },
  };
}
