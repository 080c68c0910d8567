// Init time and memory per encoding: each measurement runs in a fresh Node process (so nothing is
// cached or JIT-warm), times `await getEncoding(name)` and reads the JS heap (after a full GC) before and
// after. tiktoken (WASM) `get_encoding` is measured the same way for comparison (its tables live in WASM
// memory: reported as external + arrayBuffers). Prints a table and a JSON line.
// Run: pnpm --filter @llmf/tokenizer exec tsx bench/init.ts
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const names = ['r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'] as const;
const RUNS = Number(process.env.RUNS ?? 3);

interface Sample {
  ms: number;
  heapMB: number;
  externalMB: number;
}

async function child(library: string, name: (typeof names)[number]): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  if (library === 'tiktoken') await import('tiktoken');
  else await import('../src/index');
  gc();
  const before = process.memoryUsage();
  const start = performance.now();
  let keep: unknown;
  if (library === 'tiktoken') keep = (await import('tiktoken')).get_encoding(name);
  else keep = await (await import('../src/index')).getEncoding(name);
  const ms = performance.now() - start;
  gc();
  const after = process.memoryUsage();
  const sample: Sample = {
    ms,
    heapMB: (after.heapUsed - before.heapUsed) / 1e6,
    externalMB: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / 1e6,
  };
  process.stdout.write(JSON.stringify(sample));
  if (keep === undefined) throw new Error('nothing loaded');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4] as (typeof names)[number]);
} else {
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, Record<string, Sample>> = {};
  console.log(`median of ${RUNS} fresh processes each\n`);
  console.log('encoding      library           init ms   JS heap MB   external MB');
  for (const name of names) {
    results[name] = {};
    for (const library of ['@llmf/tokenizer', 'tiktoken']) {
      const samples: Sample[] = [];
      for (let run = 0; run < RUNS; run++) {
        const out = execFileSync(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', self, '--child', library, name],
          {
            encoding: 'utf8',
          },
        );
        samples.push(JSON.parse(out) as Sample);
      }
      const sample = {
        ms: median(samples.map((s) => s.ms)),
        heapMB: median(samples.map((s) => s.heapMB)),
        externalMB: median(samples.map((s) => s.externalMB)),
      };
      results[name]![library] = sample;
      console.log(
        `${name.padEnd(13)} ${library.padEnd(16)} ${sample.ms.toFixed(0).padStart(8)} ${sample.heapMB.toFixed(1).padStart(12)} ${sample.externalMB.toFixed(1).padStart(13)}`,
      );
    }
  }
  console.log(JSON.stringify({ bench: 'init', runs: RUNS, results }));
}
