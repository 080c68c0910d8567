// The BUILT package loads no rank table on import, and exactly the asked-for table on getEncoding: a fresh
// Node imports dist/index.js (ESM, recording every loaded URL with a module.register load hook) or requires
// dist/index.cjs (CJS, reading require.cache). Needs `pnpm build` first (CI builds before testing).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { referenceIds } from './oracle';
import { packageDir } from './support/text-sources';

const dist = join(packageDir, 'dist');
const support = join(packageDir, 'test/support');
/** A rank-table module or data file of any built-in encoding. */
const TABLE = /(r50k|p50k|cl100k|o200k)[-_]base/;

interface ProbeResult {
  entry: string;
  afterImport: string[];
  afterGetEncoding: string[];
  ids: number[];
}

/** Runs a probe script in a fresh Node (no inherited NODE_OPTIONS) and parses its JSON line. */
function probe(script: string): ProbeResult {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const out = execFileSync(process.execPath, [script], {
    cwd: support,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as ProbeResult;
}

/** Loaded files (paths) that are rank tables. */
const tables = (loaded: string[]) =>
  loaded.map((f) => (f.startsWith('file:') ? fileURLToPath(f) : f)).filter((f) => TABLE.test(f));

describe.each([
  { format: 'ESM', entry: 'index.js', ext: '.js', script: 'load-probe.mjs' },
  { format: 'CJS', entry: 'index.cjs', ext: '.cjs', script: 'load-probe.cjs' },
])('built package, $format', ({ entry, ext, script }) => {
  test(`import loads no rank table; getEncoding('cl100k_base') loads only cl100k's`, () => {
    const entryFile = join(dist, entry);
    if (!existsSync(entryFile)) {
      throw new Error(`${entryFile} is missing: run pnpm build (this test checks the built package)`);
    }
    // the build has one table chunk per encoding, named for it (else the checks below prove nothing)
    const chunks = readdirSync(dist).filter((f) => f.endsWith(ext) && TABLE.test(f));
    expect(chunks.map((f) => f.match(TABLE)![1]).sort()).toEqual(['cl100k', 'o200k', 'p50k', 'r50k']);

    const result = probe(join(support, script));
    const resolved = result.entry.startsWith('file:') ? fileURLToPath(result.entry) : result.entry;
    expect(resolved).toBe(entryFile);
    expect(result.afterImport.map((f) => (f.startsWith('file:') ? f : pathToFileURL(f).href))).toContain(
      pathToFileURL(entryFile).href,
    );
    expect(tables(result.afterImport)).toEqual([]);
    const cl100k = chunks.find((f) => f.startsWith('cl100k'))!;
    expect(tables(result.afterGetEncoding)).toEqual([join(dist, cl100k)]);
    expect(result.ids).toEqual(referenceIds('cl100k_base', 'hello world'));
  });
});
