// (a, b) → dense pair index, as an open-addressing hash table on typed arrays (linear probing, load ≤ 1/2).
// A Map keyed by a · 2^24 + b would box every key above 2^30 into a heap number; this table never allocates
// per lookup.

const EMPTY = -1;

/** Maps id pairs to consecutive indices 0, 1, 2… in insertion order. */
export class PairIndex {
  private lefts: Int32Array;
  private rights: Int32Array;
  private indices: Int32Array;
  private mask: number;
  /** number of pairs stored; the next new pair gets this index */
  size = 0;

  constructor(expected = 1 << 12) {
    let capacity = 1 << 4;
    while (capacity < expected * 2) capacity *= 2;
    this.lefts = new Int32Array(capacity);
    this.rights = new Int32Array(capacity);
    this.indices = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  /** Index of (a, b), or -1 when the pair was never added. */
  get(a: number, b: number): number {
    const mask = this.mask;
    for (let slot = hash(a, b) & mask; ; slot = (slot + 1) & mask) {
      const index = this.indices[slot]!;
      if (index === EMPTY || (this.lefts[slot] === a && this.rights[slot] === b)) return index;
    }
  }

  /** Index of (a, b), adding the pair (with index `size`) when it is new. */
  getOrAdd(a: number, b: number): number {
    const mask = this.mask;
    let slot = hash(a, b) & mask;
    for (;;) {
      const index = this.indices[slot]!;
      if (index === EMPTY) break;
      if (this.lefts[slot] === a && this.rights[slot] === b) return index;
      slot = (slot + 1) & mask;
    }
    const index = this.size++;
    this.lefts[slot] = a;
    this.rights[slot] = b;
    this.indices[slot] = index;
    if (this.size * 2 > this.indices.length) this.grow();
    return index;
  }

  private grow(): void {
    const { lefts, rights, indices } = this;
    const capacity = indices.length * 2;
    this.lefts = new Int32Array(capacity);
    this.rights = new Int32Array(capacity);
    this.indices = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let old = 0; old < indices.length; old++) {
      const index = indices[old]!;
      if (index === EMPTY) continue;
      const a = lefts[old]!;
      const b = rights[old]!;
      let slot = hash(a, b) & this.mask;
      while (this.indices[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.lefts[slot] = a;
      this.rights[slot] = b;
      this.indices[slot] = index;
    }
  }
}

/** 32-bit mix of two ids (multiplicative hashing, then xor-shift to spread the high bits down). */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  return h;
}
