// Reference embedding lookup. Legend: T = tokens, V = vocab, C = d_model.

import { LlmfError } from '../../errors';
import { halfToF32, isHalfTensor, type WeightTensor } from '../../half';
import type { Tensor } from '../../tensor';
import { checkNoOverlap, checkShape, checkWeight } from './check';

/** out [T, C] = table[ids[t]] for table [V, C]; every id must be an integer with 0 ≤ id < V. */
export function embedding(out: Tensor, table: WeightTensor, ids: ArrayLike<number>): void {
  checkWeight('embedding', 'table', table, 2);
  const [V, C] = table.shape as [number, number];
  if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
    throw new LlmfError('INVALID_ARGUMENT', 'embedding: ids must be an array of token ids');
  }
  const T = ids.length;
  checkShape('embedding', 'out', out, [T, C]);
  checkNoOverlap('embedding', 'out', out, 'table', table);
  // check every id before writing anything, so a bad id leaves out untouched
  for (let t = 0; t < T; t++) {
    const id = ids[t];
    if (!Number.isInteger(id) || id < 0 || id >= V) {
      throw new LlmfError(
        'INVALID_ARGUMENT',
        `embedding: token id ${id} at position ${t} is outside the table's vocabulary [0, ${V}); ` +
          'was the text encoded with a tokenizer for another model?',
      );
    }
  }
  if (isHalfTensor(table)) {
    // a half table's row is widened exactly: out[t, c] = f32(table[id, c])
    for (let t = 0; t < T; t++) {
      const id = ids[t];
      for (let c = 0; c < C; c++) out.data[t * C + c] = halfToF32(table.data[id * C + c], table.dtype);
    }
    return;
  }
  for (let t = 0; t < T; t++) {
    const id = ids[t];
    out.data.set(table.data.subarray(id * C, id * C + C), t * C);
  }
}
