// Pre-tokenization alone: the hand-written cl100k/o200k scanners vs the ported regex (String.match) on
// the encode benchmark's text; passes alternate between the two. Median of 7; prints a JSON line.
// Run: pnpm --filter @llmf/tokenizer exec tsx bench/pre-tokenize.ts
import { CL100K_PATTERN, compilePattern, O200K_PATTERN } from '../src/patterns';
import { splitCl100k, splitO200k } from '../src/pre-tokenize';
import { benchText } from './bench-text';

const text = benchText();
const results: Record<string, { regexMs: number; scannerMs: number }> = {};
for (const [name, pattern, split] of [
  ['cl100k_base', CL100K_PATTERN, splitCl100k],
  ['o200k_base', O200K_PATTERN, splitO200k],
] as const) {
  const regex = compilePattern(pattern);
  const regexTimes: number[] = [];
  const scannerTimes: number[] = [];
  for (let run = 0; run < 8; run++) {
    let start = performance.now();
    const expected = text.match(regex)!;
    const regexTime = performance.now() - start;
    start = performance.now();
    const pieces: string[] = [];
    split(text, (from, to) => pieces.push(text.slice(from, to)));
    const scannerTime = performance.now() - start;
    if (pieces.length !== expected.length) throw new Error(`${name}: the scanner and the regex disagree`);
    if (run === 0) continue; // warm-up (and the scanner's one-time class table)
    regexTimes.push(regexTime);
    scannerTimes.push(scannerTime);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  results[name] = { regexMs: median(regexTimes), scannerMs: median(scannerTimes) };
  console.log(
    `${name.padEnd(12)} regex ${median(regexTimes).toFixed(0).padStart(5)} ms   scanner ${median(scannerTimes).toFixed(0).padStart(5)} ms   ${(median(regexTimes) / median(scannerTimes)).toFixed(2)}×`,
  );
}
console.log(JSON.stringify({ bench: 'pre-tokenize', results }));
