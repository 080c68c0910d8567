// Encoding throughput: @llmf/tokenizer vs gpt-tokenizer, js-tiktoken and tiktoken (WASM) on the same text,
// in one run. Prints a table (median MB/s of several runs, ratio to the fastest peer) and one JSON line.
// Run: pnpm --filter @llmf/tokenizer bench
import { encode as gptCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as gptO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { encode as gptR50k } from 'gpt-tokenizer/encoding/r50k_base';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsCl100k from 'js-tiktoken/ranks/cl100k_base';
import jsO200k from 'js-tiktoken/ranks/o200k_base';
import jsR50k from 'js-tiktoken/ranks/r50k_base';
import { get_encoding } from 'tiktoken';
import { type EncodingName, getEncoding } from '../src/index';
import { benchText } from './bench-text';

const RUNS = Number(process.env.RUNS ?? 5);
const text = benchText();
const megabytes = new TextEncoder().encode(text).length / 1e6;
const names: EncodingName[] = ['cl100k_base', 'o200k_base', 'r50k_base'];

type Encoder = (s: string) => ArrayLike<number>;
async function encoders(name: EncodingName): Promise<Record<string, Encoder>> {
  const ours = await getEncoding(name);
  const wasm = get_encoding(name);
  const jsRanks = { cl100k_base: jsCl100k, o200k_base: jsO200k, r50k_base: jsR50k }[name as 'cl100k_base'];
  const js = new JsTiktoken(jsRanks);
  const gpt = { cl100k_base: gptCl100k, o200k_base: gptO200k, r50k_base: gptR50k }[name as 'cl100k_base'];
  return {
    '@llmf/tokenizer': (s) => ours.encode(s),
    tiktoken: (s) => wasm.encode(s),
    'js-tiktoken': (s) => js.encode(s),
    'gpt-tokenizer': (s) => gpt(s),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const results: Record<string, Record<string, number>> = {};
console.log(
  `text: ${megabytes.toFixed(2)} MB (UTF-8), ${text.length} UTF-16 units; median of ${RUNS} runs\n`,
);
for (const name of names) {
  const all = await encoders(name);
  const reference = Array.from(all.tiktoken!(text));
  const times: Record<string, number[]> = {};
  const slow = new Set<string>();
  for (const [label, encode] of Object.entries(all)) {
    const start = performance.now();
    const ids = encode(text); // warm-up (and correctness check)
    times[label] = [];
    // a very slow encoder (js-tiktoken: 20–40 s per pass here) gets this one pass timed, not RUNS
    if (performance.now() - start > 15_000) {
      slow.add(label);
      times[label]!.push(performance.now() - start);
    }
    const same = ids.length === reference.length && reference.every((id, i) => ids[i] === id);
    if (!same) console.log(`  ! ${label} disagrees with tiktoken on ${name}`);
  }
  // round-robin passes, so that load changes on a shared machine hit every library alike
  for (let run = 0; run < RUNS; run++) {
    for (const [label, encode] of Object.entries(all)) {
      if (slow.has(label)) continue;
      const start = performance.now();
      encode(text);
      times[label]!.push(performance.now() - start);
    }
  }
  results[name] = Object.fromEntries(
    Object.entries(times).map(([l, t]) => [l, megabytes / (median(t) / 1000)]),
  );
  const fastestPeer = Math.max(
    ...Object.entries(results[name]!)
      .filter(([l]) => l !== '@llmf/tokenizer')
      .map(([, v]) => v),
  );
  console.log(name);
  for (const [label, mbs] of Object.entries(results[name]!)) {
    console.log(
      `  ${label.padEnd(18)} ${mbs.toFixed(2).padStart(7)} MB/s  ${(mbs / fastestPeer).toFixed(2)}× fastest peer`,
    );
  }
}
console.log(
  JSON.stringify({ bench: 'encode', megabytes: Number(megabytes.toFixed(3)), runs: RUNS, mb_per_s: results }),
);
