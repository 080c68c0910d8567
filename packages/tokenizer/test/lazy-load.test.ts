// Importing the package must load no rank table: the data modules (src/generated/*) are reachable from
// src/index.ts only through getEncoding's dynamic import(), never through a static import.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
  return specifiers.map((s) => {
    const base = join(dirname(file), s);
    return base.endsWith('.ts') ? base : `${base}.ts`;
  });
}

test('no static import path from src/index.ts reaches a rank table', () => {
  const seen = new Set<string>();
  const stack = [join(src, 'index.ts')];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const next of staticImports(file)) {
      try {
        readFileSync(next);
      } catch {
        stack.push(next.replace(/\.ts$/, '/index.ts'));
        continue;
      }
      stack.push(next);
    }
  }
  expect(seen.size).toBeGreaterThan(10);
  expect([...seen].filter((f) => f.includes('/generated/'))).toEqual([]);
  const encodings = readFileSync(join(src, 'encodings/index.ts'), 'utf8');
  expect(encodings.match(/import\('\.\.\/generated\/[a-z0-9-]+'\)/g)).toHaveLength(4);
});
