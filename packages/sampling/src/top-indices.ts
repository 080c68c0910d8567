// The m most probable tokens without sorting the whole vocabulary: one pass with a binary min-heap of
// size m, O(V log m) — for V = 128k and m = 40 almost every token is rejected by a single comparison.

/**
 * Indices of the `m` largest values, most probable first; equal values in lowest-index order (so among
 * ties at the cut the lowest indices are kept). `m ≥ values.length` returns every index.
 */
export function topIndices(values: ArrayLike<number>, m: number): Uint32Array {
  const n = values.length;
  const size = Math.min(m, n);
  // heap[0] is the worst kept index: the smallest value, and on equal values the highest index
  const heap = new Uint32Array(size);
  const worse = (a: number, b: number) => values[a] < values[b] || (values[a] === values[b] && a > b);
  const siftDown = (at: number, count: number) => {
    let i = at;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < count && worse(heap[l], heap[w])) w = l;
      if (r < count && worse(heap[r], heap[w])) w = r;
      if (w === i) return;
      const t = heap[i];
      heap[i] = heap[w];
      heap[w] = t;
      i = w;
    }
  };
  for (let i = 0; i < size; i++) heap[i] = i;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i, size);
  // a later index with an equal value is worse, so only strictly larger values get in
  for (let i = size; i < n; i++) {
    if (values[i] > values[heap[0]]) {
      heap[0] = i;
      siftDown(0, size);
    }
  }
  // heapsort in place: repeatedly move the worst to the end → best first
  for (let end = size - 1; end > 0; end--) {
    const t = heap[0];
    heap[0] = heap[end];
    heap[end] = t;
    siftDown(0, end);
  }
  return heap;
}
