// A binary min-heap of numbers, used by the long-piece merge loops. Entries pack (rank, position) into one
// double, rank · 2^32 + position, so ordering by value is ordering by rank, then leftmost position: the
// same tie-break as tiktoken's linear scan (strict `<`, first minimum wins).

/** 2^32: the position field's width in a packed heap entry. */
export const POSITION_SPAN = 4294967296;

/** Min-heap over packed (rank, position) numbers. */
export class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(value: number): void {
    const items = this.items;
    let i = items.length;
    items.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (p <= value) break;
      items[i] = p;
      i = parent;
    }
    items[i] = value;
  }

  /** Removes and returns the smallest value (the heap must not be empty). */
  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && items[r]! < items[l]! ? r : l;
        if (items[c]! >= last) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}
