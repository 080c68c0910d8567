// Positional encodings added to token embeddings (seed §2): attention alone sees a set, not a sequence.
//   sinusoidal (Vaswani et al. 2017): PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))
//   learned (GPT-1, GPT-2):           a trained table wpe [maxT, d]; position p reads row p
//   RoPE (Llama):                     see rope.ts — rotates q and k instead of adding to x

import { LlmfError, rows, type Tensor, zeros } from '@llmf/tensor';

/**
 * The sinusoidal position table [n, d] of the original Transformer:
 * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).
 * @example sinusoidalPositions(2, 4).data // [0, 1, 0, 1,  sin 1, cos 1, sin 0.01, cos 0.01]
 */
export function sinusoidalPositions(n: number, d: number, base = 10000): Tensor {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d <= 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `sinusoidalPositions: need integers n ≥ 0 and d > 0, got n = ${n}, d = ${d}`,
    );
  }
  const table = zeros([n, d]);
  for (let pos = 0; pos < n; pos++) {
    for (let j = 0; j < d; j++) {
      const i2 = j - (j % 2); // 2i: both dims of a pair share one frequency
      const angle = pos / base ** (i2 / d);
      table.data[pos * d + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return table;
}

/**
 * Learned positions: the rows [start, start + count) of a position table [maxT, d] — a table lookup,
 * returned as a view (no copy). Throws 'CONTEXT_OVERFLOW' past the table's last position.
 */
export function learnedPositions(table: Tensor, start: number, count: number): Tensor {
  const maxT = table.shape[0] ?? 0;
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count < 0) {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      `learnedPositions: start and count must be non-negative integers, got ${start} and ${count}`,
    );
  }
  if (start + count > maxT) {
    throw new LlmfError(
      'CONTEXT_OVERFLOW',
      `positions ${start}..${start + count - 1} exceed the position table of ${maxT} positions; shorten the sequence to at most ${maxT} tokens`,
    );
  }
  return rows(table, start, start + count);
}
