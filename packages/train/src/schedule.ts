// Learning-rate schedule: linear warmup, then cosine decay to a floor (as nanoGPT's get_lr).

/** The shape of the schedule. */
export interface ScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  maxLr: number;
  /** Floor the cosine decays to (often maxLr / 10). */
  minLr: number;
  /** Steps of linear warmup. */
  warmupSteps: number;
  /** Step at which decay ends; after it the rate stays at minLr. */
  decaySteps: number;
}

/**
 * Learning rate for a 0-based step:
 *   step < warmup:  maxLr · (step + 1) / warmup
 *   warmup ≤ step ≤ decay:  minLr + ½·(1 + cos(π·r))·(maxLr − minLr),  r = (step − warmup)/(decay − warmup)
 *   step > decay:   minLr
 * @example learningRate(0, { maxLr: 1e-3, minLr: 1e-4, warmupSteps: 10, decaySteps: 100 }) // 1e-4
 */
export function learningRate(step: number, o: ScheduleOptions): number {
  if (step < o.warmupSteps) return (o.maxLr * (step + 1)) / o.warmupSteps;
  if (step > o.decaySteps) return o.minLr;
  const span = o.decaySteps - o.warmupSteps;
  const r = span > 0 ? (step - o.warmupSteps) / span : 1;
  return o.minLr + 0.5 * (1 + Math.cos(Math.PI * r)) * (o.maxLr - o.minLr);
}
