// The "train BPE" panel's replay (seed §1): train a char-level BPE on the user's text, then show the text
// as symbols after each merge, the way the seed walks through "low lower lowest lowly":
//   Iteration 0: l o w _ l o w e r _ …      Iteration 1: (l, o) → "lo": lo w _ lo w e r _ …

import { type Tokenizer, trainBPE } from '@llmf/tokenizer';

/** The marker char-level training shows for a space (the seed's "_"). */
export const SPACE = '_';

/** One learned merge. */
export interface MergeStep {
  step: number;
  pair: [string, string];
  token: string;
  count: number;
}

/** A training run: the merges in order, the symbols after each, and the final vocabulary. */
export interface BpeReplay {
  merges: MergeStep[];
  /** symbols[i] = the text's symbols after i merges (symbols[0]: characters). */
  symbols: string[][];
  /** Vocabulary: id → token text (spaces shown as "_"). */
  vocabulary: string[];
  tokenizer: Tokenizer;
}

/**
 * Train on `text` with `vocabSize` tokens at char granularity and replay each merge on the text.
 * Throws the tokenizer's InvalidArgumentError for a vocabSize below the base alphabet or a "_" in the text.
 * @example replayBPE('low lower lowest lowly', 12).symbols[1].join(' ')
 * // 'lo w _ lo w e r _ lo w e s t _ lo w l y'
 */
export function replayBPE(text: string, vocabSize: number): BpeReplay {
  const merges: MergeStep[] = [];
  const tokenizer = trainBPE(text, {
    vocabSize,
    granularity: 'char',
    onMerge: (m) =>
      merges.push({ step: m.step, pair: [m.pair[0], m.pair[1]], token: m.token, count: m.count }),
  });
  // pieces as the trainer splits them: words, and each whitespace character alone
  const pieces = (text.match(/[^\s]+|\s/gu) ?? []).map((piece) =>
    /\s/u.test(piece) ? [SPACE] : Array.from(piece),
  );
  const symbols: string[][] = [pieces.flat()];
  for (const m of merges) {
    for (let p = 0; p < pieces.length; p++) pieces[p] = mergePair(pieces[p], m.pair, m.token);
    symbols.push(pieces.flat());
  }
  const vocabulary = Array.from({ length: tokenizer.vocabSize }, (_, id) =>
    tokenizer.decode([id]).replace(/\s/gu, SPACE),
  );
  return { merges, symbols, vocabulary, tokenizer };
}

/** Replace each adjacent (left, right), scanning left to right, by `token`; a new array. */
function mergePair(piece: string[], [left, right]: [string, string], token: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < piece.length; i++) {
    if (i + 1 < piece.length && piece[i] === left && piece[i + 1] === right) {
      out.push(token);
      i++;
    } else {
      out.push(piece[i]);
    }
  }
  return out;
}
