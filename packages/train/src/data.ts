// Batches of next-token prediction examples from one tokenized corpus, split into a training part (the
// first 1 − validationFraction of the tokens) and a validation part (the rest), as nanoGPT's get_batch:
// x = tokens[i .. i+T), y = tokens[i+1 .. i+T+1].

import { LlmfError } from '@llmf/tensor';
import type { Rng } from './rng';

/** One batch: inputs and targets, both [B, T] row-major. */
export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
}

/** Samples training batches at random offsets and serves fixed validation batches. */
export class DataLoader {
  readonly train: Uint32Array;
  readonly validation: Uint32Array;

  /**
   * @param tokens the whole tokenized corpus
   * @param batchSize B, @param seqLen T
   * @param validationFraction share of tokens (taken from the end) held out for validation
   */
  constructor(
    tokens: ArrayLike<number>,
    readonly batchSize: number,
    readonly seqLen: number,
    validationFraction = 0.1,
  ) {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `DataLoader: validationFraction must be in [0, 1), got ${validationFraction}`,
      );
    }
    const all = Uint32Array.from(tokens);
    const split = Math.floor(all.length * (1 - validationFraction));
    this.train = all.subarray(0, split);
    this.validation = all.subarray(split);
    if (this.train.length < seqLen + 1) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `DataLoader: the training split has ${this.train.length} tokens, fewer than seqLen + 1 = ${seqLen + 1}; use a longer corpus or a shorter sequence`,
      );
    }
    if (validationFraction > 0 && this.validation.length < seqLen + 1) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `DataLoader: the validation split has ${this.validation.length} tokens, fewer than seqLen + 1 = ${seqLen + 1}; raise validationFraction`,
      );
    }
  }

  /** A training batch whose B windows start at offsets drawn from rng. */
  nextTrain(rng: Rng): Batch {
    const offsets: number[] = [];
    for (let b = 0; b < this.batchSize; b++) offsets.push(rng.int(this.train.length - this.seqLen));
    return this.windows(this.train, offsets);
  }

  /**
   * Validation batch `index` of `count`: windows at evenly spaced offsets over the validation split, the
   * same on every call, so validation losses are comparable across evaluations.
   */
  validationBatch(index: number, count: number): Batch {
    const span = this.validation.length - this.seqLen;
    if (span <= 0)
      throw new LlmfError('INVALID_ARGUMENT', 'DataLoader: no validation split (validationFraction is 0)');
    const total = count * this.batchSize;
    const offsets: number[] = [];
    for (let b = 0; b < this.batchSize; b++) {
      offsets.push(Math.floor(((index * this.batchSize + b) * span) / total));
    }
    return this.windows(this.validation, offsets);
  }

  private windows(src: Uint32Array, offsets: number[]): Batch {
    const T = this.seqLen;
    const inputs = new Int32Array(offsets.length * T);
    const targets = new Int32Array(offsets.length * T);
    offsets.forEach((o, b) => {
      for (let t = 0; t < T; t++) {
        inputs[b * T + t] = src[o + t];
        targets[b * T + t] = src[o + t + 1];
      }
    });
    return { inputs, targets };
  }
}
