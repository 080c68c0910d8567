// A small seeded random number generator (mulberry32) with a normal sampler (Box–Muller). Training
// randomness (weight init, batch sampling) is passed in as an Rng, never taken from a global; its state
// is a single 32-bit integer, so a checkpoint can store it and a resumed run draws the same batches.

/** A seeded source of uniform and normal numbers whose state can be saved and restored. */
export class Rng {
  private s: number;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The generator state, to store in a checkpoint. */
  get state(): number {
    return this.s;
  }

  set state(value: number) {
    this.s = value >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Normal with the given mean and standard deviation (Box–Muller, one draw per call). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.next(); // (0, 1]: log(u1) is finite
    const u2 = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
