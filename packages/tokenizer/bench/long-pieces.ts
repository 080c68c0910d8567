// Long pieces: a 100,000-character run of one letter and 100,000 characters of base64 (each a single
// pre-tokenizer piece), encoded with every built-in encoding. Median of 5 passes; prints a JSON line.
// Run: pnpm --filter @llmf/tokenizer exec tsx bench/long-pieces.ts
import { getEncoding } from '../src/index';

let seed = 12345;
const next = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed;
};
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const inputs = {
  'a × 100000': 'a'.repeat(100_000),
  'base64 × 100000': Array.from({ length: 100_000 }, () => alphabet[next() % 64]).join(''),
};
const results: Record<string, Record<string, number>> = {};
for (const name of ['r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'] as const) {
  const enc = await getEncoding(name);
  results[name] = {};
  for (const [label, text] of Object.entries(inputs)) {
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      enc.encode(text);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    results[name]![label] = Number(times[2]!.toFixed(1));
    console.log(`${name.padEnd(12)} ${label.padEnd(16)} ${times[2]!.toFixed(1).padStart(8)} ms`);
  }
}
console.log(JSON.stringify({ bench: 'long-pieces', ms: results }));
