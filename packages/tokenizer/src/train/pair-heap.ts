// A binary max-heap of (count, pair) entries for BPE training, with lazy invalidation: an entry keeps the
// count its pair had when it was pushed; the trainer checks it against the live count when it pops it.

/**
 * Max-heap ordered by count (higher first), then by pair order key (lower first): the deterministic
 * tie-break. Entries are parallel typed arrays (no objects), grown by doubling.
 */
export class PairHeap {
  private counts: Float64Array;
  private pairs: Int32Array;
  private size = 0;

  /** @param orderKeys pair index → tie-break key (read at compare time, so it may grow after construction) */
  constructor(private readonly orderKeys: () => Float64Array) {
    this.counts = new Float64Array(1024);
    this.pairs = new Int32Array(1024);
  }

  get length(): number {
    return this.size;
  }

  /** Adds pair `pair` with `count`. */
  push(count: number, pair: number): void {
    if (this.size === this.counts.length) this.grow();
    let i = this.size++;
    const counts = this.counts;
    const pairs = this.pairs;
    const keys = this.orderKeys();
    const key = keys[pair]!;
    // Sift up: move parents down while the new entry beats them.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pc = counts[parent]!;
      if (pc > count || (pc === count && keys[pairs[parent]!]! <= key)) break;
      counts[i] = pc;
      pairs[i] = pairs[parent]!;
      i = parent;
    }
    counts[i] = count;
    pairs[i] = pair;
  }

  /** Count of the top entry (call only when length > 0). */
  topCount(): number {
    return this.counts[0]!;
  }

  /** Removes the top entry and returns its pair index (call only when length > 0). */
  pop(): number {
    const counts = this.counts;
    const pairs = this.pairs;
    const top = pairs[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const count = counts[n]!;
    const pair = pairs[n]!;
    const keys = this.orderKeys();
    const key = keys[pair]!;
    let i = 0;
    // Sift down: move the better child up while it beats the moved entry.
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const lc = counts[child]!;
        const rc = counts[right]!;
        if (rc > lc || (rc === lc && keys[pairs[right]!]! < keys[pairs[child]!]!)) child = right;
      }
      const cc = counts[child]!;
      if (cc < count || (cc === count && keys[pairs[child]!]! >= key)) break;
      counts[i] = cc;
      pairs[i] = pairs[child]!;
      i = child;
    }
    counts[i] = count;
    pairs[i] = pair;
    return top;
  }

  private grow(): void {
    const counts = new Float64Array(this.counts.length * 2);
    counts.set(this.counts);
    this.counts = counts;
    const pairs = new Int32Array(this.pairs.length * 2);
    pairs.set(this.pairs);
    this.pairs = pairs;
  }
}
