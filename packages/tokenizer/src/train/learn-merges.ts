// The BPE training loop: incremental pair counts + a max-heap with lazy invalidation.
//
// Notation: W = number of unique pieces ("words") in the corpus, f(w) = how often word w occurs, a word is a
// sequence of symbol ids. count(a, b) = Σ_w f(w) · (positions i of w with w[i] = a, w[i+1] = b), as minbpe and
// Hugging Face count. A merge rewrites a word left to right, non-overlapping: a a a → (aa) a. Each step takes
// the pair with the highest count, gives the concatenation a new id, rewrites only the words that contain
// the pair, and adjusts the counts of the pairs around each rewritten occurrence. The corpus is never
// rescanned: a step costs O(total length of the unique words holding the merged pair) + heap work.

import { PairHeap } from './pair-heap';
import { PairIndex } from './pair-index';

/** Unique words of a corpus, all symbols in one buffer: word w is symbols[starts[w] .. starts[w] + lengths[w]). */
export interface WordTable {
  symbols: Int32Array;
  starts: Int32Array;
  lengths: Int32Array;
  /** occurrences of each word in the corpus */
  freqs: Float64Array;
}

/** One learned merge, in ids. */
export interface LearnedMerge {
  left: number;
  right: number;
  /** id of left ⊕ right: a new id, or the existing one when the concatenation is already a token */
  id: number;
  /** count(left, right) when it was merged */
  count: number;
}

export interface LearnResult {
  /** id → token key (see `LearnOptions.baseKeys`); base tokens first, then one per new token, in id order */
  keys: string[];
  merges: LearnedMerge[];
  /** the corpus's words after all merges (same starts and freqs as the input): the trainer's segmentation */
  segmented: WordTable;
}

export interface LearnOptions {
  /** keys of the base symbols (id → key); the key of a merged token is the concatenation of its parts' keys */
  baseKeys: readonly string[];
  /** stop when the vocabulary (base + new tokens) reaches this size */
  maxTokens: number;
  onMerge?: (merge: LearnedMerge, step: number, keys: readonly string[]) => void;
}

// Pair (a, b) → the number a · 2^24 + b. Ordering these numbers orders pairs lexicographically by id, which
// is the tie-break: among pairs with the same count, the smaller left id wins, then the smaller right id.
const SHIFT = 16777216;
/** Largest vocabulary the pair keys can address. */
export const MAX_TRAIN_VOCAB = SHIFT;

/**
 * Learns merges until `maxTokens` tokens exist or no pair is left. Does not modify `words`.
 *
 * Tie-break: highest count first; equal counts → the pair (a, b) with the smallest a, then the smallest b
 * (ids: base symbols in their given order, new tokens in creation order).
 *
 * @example words "low", "lower" as ids of l o w e r (×1 each), maxTokens 7 → merges (l,o) count 2, (lo,w) count 2
 */
export function learnMerges(words: WordTable, o: LearnOptions): LearnResult {
  const symbols = words.symbols.slice();
  const starts = words.starts;
  const lengths = words.lengths.slice();
  const freqs = words.freqs;
  const wordCount = starts.length;

  const keys = o.baseKeys.slice();
  const idOfKey = new Map<string, number>();
  for (let id = 0; id < keys.length; id++) idOfKey.set(keys[id]!, id);
  const merges: LearnedMerge[] = [];

  // Pair table, indexed by a dense pair index pi (pairIndex: (a, b) → pi).
  const pairIndex = new PairIndex(words.symbols.length);
  let pairCapacity = 1 << 12;
  let pairKey: Float64Array = new Float64Array(pairCapacity); // pi → a · 2^24 + b (the heap's tie-break key)
  let pairCount: Float64Array = new Float64Array(pairCapacity); // pi → live count
  let pairStamp = new Int32Array(pairCapacity); // pi → last step that pushed it to `grown`
  // pi → words that contained the pair at some point (append-only; duplicates and stale entries are
  // filtered when the pair is merged). null once merged.
  const pairWords: (number[] | null)[] = [];

  const heap = new PairHeap(() => pairKey);

  const indexOf = (a: number, b: number): number => {
    const pi = pairIndex.getOrAdd(a, b);
    if (pi === pairWords.length) {
      if (pi === pairCapacity) {
        pairCapacity *= 2;
        pairKey = grownF64(pairKey, pairCapacity);
        pairCount = grownF64(pairCount, pairCapacity);
        const stamps = new Int32Array(pairCapacity);
        stamps.set(pairStamp);
        pairStamp = stamps;
      }
      pairKey[pi] = a * SHIFT + b;
      pairWords.push([]);
    }
    return pi;
  };

  // Initial counts: one pass over the unique words (not the corpus), each weighted by its frequency.
  for (let w = 0; w < wordCount; w++) {
    const start = starts[w]!;
    const end = start + lengths[w]!;
    const f = freqs[w]!;
    for (let i = start; i + 1 < end; i++) {
      const pi = indexOf(symbols[i]!, symbols[i + 1]!);
      addCount(pi, f);
      const list = pairWords[pi]!;
      if (list[list.length - 1] !== w) list.push(w);
    }
  }
  for (let pi = 0; pi < pairWords.length; pi++) heap.push(pairCount[pi]!, pi);

  const wordStamp = new Int32Array(wordCount).fill(-1); // word → last step that rewrote it
  const grown: number[] = []; // pairs whose count went up during this step
  let step = 0;

  while (keys.length < o.maxTokens && heap.length > 0) {
    // Lazy invalidation: an entry whose count is stale is pushed back with the live count.
    const entryCount = heap.topCount();
    const pi = heap.pop();
    const live = pairCount[pi]!;
    if (pairWords[pi] === null || live <= 0) continue;
    if (live !== entryCount) {
      heap.push(live, pi);
      continue;
    }

    const key = pairKey[pi]!;
    const a = Math.floor(key / SHIFT);
    const b = key - a * SHIFT;
    const newKey = keys[a]! + keys[b]!;
    let x = idOfKey.get(newKey);
    if (x === undefined) {
      x = keys.length;
      keys.push(newKey);
      idOfKey.set(newKey, x);
    }
    const merge: LearnedMerge = { left: a, right: b, id: x, count: live };
    merges.push(merge);
    step++;

    const list = pairWords[pi]!;
    pairWords[pi] = null;
    grown.length = 0;

    // Rewrite every word holding a b, left to right, non-overlapping, in place (write index j ≤ read index i).
    // At an occurrence (prev) a b (next): count(prev,a), count(b,next) and count(a,b) lose f(w);
    // count(prev,x) and count(x,next) gain f(w). `prev` is the already-rewritten symbol, so a b a b → x x.
    for (let li = 0; li < list.length; li++) {
      const w = list[li]!;
      if (wordStamp[w] === step) continue;
      wordStamp[w] = step;
      const start = starts[w]!;
      const end = start + lengths[w]!;
      const f = freqs[w]!;
      let i = start;
      let j = start;
      while (i < end) {
        const s = symbols[i]!;
        if (s === a && i + 1 < end && symbols[i + 1] === b) {
          addCount(pi, -f);
          if (j > start) {
            const prev = symbols[j - 1]!;
            addCount(indexOf(prev, a), -f);
            const up = indexOf(prev, x);
            addCount(up, f);
            noteGrown(up, w);
          }
          if (i + 2 < end) {
            const next = symbols[i + 2]!;
            addCount(indexOf(b, next), -f);
            const up = indexOf(x, next);
            addCount(up, f);
            noteGrown(up, w);
          }
          symbols[j++] = x;
          i += 2;
        } else {
          symbols[j++] = s;
          i += 1;
        }
      }
      lengths[w] = j - start;
    }
    pairCount[pi] = 0;
    // New or grown pairs get a fresh heap entry; shrunk ones are corrected lazily when popped.
    for (let k = 0; k < grown.length; k++) {
      const g = grown[k]!;
      if (pairCount[g]! > 0 && pairWords[g] !== null) heap.push(pairCount[g]!, g);
    }
    o.onMerge?.(merge, step, keys);
  }
  return { keys, merges, segmented: { symbols, starts, lengths, freqs } };

  function addCount(pi: number, delta: number): void {
    pairCount[pi] = pairCount[pi]! + delta;
  }

  function noteGrown(up: number, w: number): void {
    const words = pairWords[up];
    // subtle: a merged pair can appear again when a later merge re-creates one of its parts' strings
    // (the concatenation already was a token, so the id is reused); it then becomes mergeable again.
    if (words === null || words === undefined) pairWords[up] = [w];
    else if (words[words.length - 1] !== w) words.push(w);
    if (pairStamp[up] !== step) {
      pairStamp[up] = step;
      grown.push(up);
    }
  }
}

function grownF64(a: Float64Array, capacity: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(a);
  return out;
}
