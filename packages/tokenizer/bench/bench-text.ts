// The benchmark text: several MB of real, non-repeating text read from the pinned `typescript` package
// (no network): its compiler messages in 13 languages (prose: cs de es fr it ja ko pl pt-br ru tr zh-cn
// zh-tw) and two of its declaration files (English doc comments + code). Deterministic for a lockfile.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** ~5 MB of multilingual prose and code; '<|' is removed so no encoder sees special-token text. */
export function benchText(): string {
  const lib = dirname(require.resolve('typescript/lib/lib.es5.d.ts'));
  const parts: string[] = [];
  for (const entry of readdirSync(lib, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory()) continue;
    const file = join(lib, entry.name, 'diagnosticMessages.generated.json');
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    parts.push(Object.values(messages).join('\n'));
  }
  parts.push(
    readFileSync(join(lib, 'lib.es5.d.ts'), 'utf8'),
    readFileSync(join(lib, 'typescript.d.ts'), 'utf8'),
  );
  return parts.join('\n\n').replaceAll('<|', '< |');
}
