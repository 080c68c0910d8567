// Time per call of the sampling functions on vocabulary-sized logits (GPT-2 50 257, Llama 3 128 256).
// Run: pnpm bench. Prints a table of medians over several runs and one JSON line. Not part of the tests.
import { createRng, sample, softmax, topK, topP } from '../src/index';

const sizes = [50257, 128256];
const runs = 7;
const callsPerRun = 20;

function logitsOf(n: number, seed: number): Float32Array {
  // model-like logits: mostly small, a few large
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => {
    const u = rng.next();
    return u > 0.999 ? 10 + 5 * rng.next() : 4 * (rng.next() + rng.next() + rng.next() - 1.5);
  });
}

function medianMs(fn: () => void): number {
  fn(); // warm up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (let i = 0; i < callsPerRun; i++) fn();
    times.push((performance.now() - start) / callsPerRun);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

const rows: Record<string, string | number>[] = [];
for (const n of sizes) {
  const logits = logitsOf(n, n);
  const probs = softmax(logits);
  const rng = createRng(1);
  const cases: [string, () => void][] = [
    ['softmax', () => softmax(logits)],
    ['topK(40)', () => topK(probs, 40)],
    ['topP(0.9)', () => topP(probs, 0.9)],
    ['sample greedy', () => sample(logits, { temperature: 0 })],
    ['sample T=0.8', () => sample(logits, { temperature: 0.8, rng })],
    ['sample T=0.8 topK 40 topP 0.9', () => sample(logits, { temperature: 0.8, topK: 40, topP: 0.9, rng })],
    [
      'sample + repetition penalty (256 ids)',
      () =>
        sample(logits, {
          temperature: 0.8,
          repetitionPenalty: 1.1,
          previousIds: Array.from({ length: 256 }, (_, i) => i * 7),
          rng,
        }),
    ],
  ];
  for (const [name, fn] of cases)
    rows.push({ V: n, op: name, 'ms/call (median)': Number(medianMs(fn).toFixed(3)) });
}
console.table(rows);
console.log(JSON.stringify({ bench: '@llmf/sampling', runs, callsPerRun, results: rows }));
