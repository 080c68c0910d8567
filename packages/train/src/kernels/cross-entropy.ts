// Softmax cross-entropy over the vocabulary, fused with its gradient (as llm.c).
// N = rows (B·T), V = vocab.

/**
 * Mean over rows of −log softmax(logits[n])[targets[n]]. If dlogits is given it receives
 * ∂loss/∂logits = (softmax(logits) − onehot(target)) / N (written, not accumulated).
 * Rows whose target is negative are ignored (they count neither in the loss nor in N).
 * dlogits may be the logits array itself (each row is read before it is overwritten).
 */
export function crossEntropy(
  dlogits: Float32Array | undefined,
  logits: Float32Array,
  targets: ArrayLike<number>,
  N: number,
  V: number,
): number {
  let counted = 0;
  for (let n = 0; n < N; n++) if (targets[n] >= 0) counted++;
  if (counted === 0) {
    dlogits?.fill(0, 0, N * V);
    return 0;
  }
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const o = n * V;
    const target = targets[n];
    if (target < 0) {
      dlogits?.fill(0, o, o + V);
      continue;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < V; v++) if (logits[o + v] > max) max = logits[o + v];
    let sum = 0;
    if (dlogits) {
      // one exp per logit: keep e^(x − max) in dlogits, then scale it to softmax / N
      for (let v = 0; v < V; v++) {
        const e = Math.exp(logits[o + v] - max);
        dlogits[o + v] = e;
        sum += e;
      }
    } else {
      for (let v = 0; v < V; v++) sum += Math.exp(logits[o + v] - max);
    }
    loss += Math.log(sum) + max - logits[o + target];
    if (dlogits) {
      const inv = 1 / counted;
      const norm = inv / sum;
      for (let v = 0; v < V; v++) dlogits[o + v] *= norm;
      dlogits[o + target] -= inv;
    }
  }
  return loss / counted;
}
