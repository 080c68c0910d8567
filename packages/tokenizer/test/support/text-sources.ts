// Real text that every checkout has: files of the pinned `typescript` devDependency (its compiler messages
// in 13 languages and its declaration files), the README/LICENSE files of other pinned devDependencies,
// and this repository's own files. Deterministic for a commit and its lockfile; nothing is fetched.
// Used by the benchmark (bench/bench-text.ts) and by the large-corpus differential test.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** packages/tokenizer, resolved from this file. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The `typescript` package's lib/ directory. */
function typescriptLib(): string {
  return dirname(require.resolve('typescript/lib/lib.es5.d.ts'));
}

/** One text with where it came from (a path relative to the package, or a package name). */
export interface TextSource {
  name: string;
  text: string;
}

/**
 * The TypeScript compiler's messages, one source per language (cs de es fr it ja ko pl pt-br ru tr zh-cn
 * zh-tw), one message a line, sorted by language.
 */
export function typescriptMessages(): TextSource[] {
  const lib = typescriptLib();
  const out: TextSource[] = [];
  for (const entry of readdirSync(lib, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!entry.isDirectory()) continue;
    const file = join(lib, entry.name, 'diagnosticMessages.generated.json');
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    out.push({ name: `typescript/lib/${entry.name}`, text: Object.values(messages).join('\n') });
  }
  return out;
}

/** Two TypeScript declaration files: English doc comments and code. */
export function typescriptDeclarations(): TextSource[] {
  const lib = typescriptLib();
  return ['lib.es5.d.ts', 'typescript.d.ts'].map((file) => ({
    name: `typescript/lib/${file}`,
    text: readFileSync(join(lib, file), 'utf8'),
  }));
}

/** README, LICENSE and SECURITY files of pinned devDependencies (always shipped in their npm tarballs). */
export function dependencyDocs(): TextSource[] {
  const out: TextSource[] = [];
  const docs: Record<string, string[]> = {
    typescript: ['README.md', 'SECURITY.md', 'LICENSE.txt'],
    'fast-check': ['README.md', 'LICENSE'],
    tiktoken: ['README.md'],
    'gpt-tokenizer': ['README.md'],
    'js-tiktoken': ['README.md'],
    tsup: ['README.md', 'LICENSE'],
  };
  for (const [pkg, files] of Object.entries(docs)) {
    const dir = join(packageDir, 'node_modules', pkg); // pnpm links every devDependency here
    for (const file of files)
      out.push({ name: `${pkg}/${file}`, text: readFileSync(join(dir, file), 'utf8') });
  }
  return out;
}

/** This package's TypeScript sources (not the generated rank tables), sorted by path. */
export function packageSources(): TextSource[] {
  const src = join(packageDir, 'src');
  const files = (readdirSync(src, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.startsWith('generated'))
    .sort();
  return files.map((f) => ({ name: `src/${f}`, text: readFileSync(join(src, f), 'utf8') }));
}

/** The repository's READMEs (root and every package), sorted by path. */
export function repositoryReadmes(): TextSource[] {
  const root = resolve(packageDir, '../..');
  const names = ['README.md', 'CONTRIBUTING.md'];
  for (const dir of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) names.push(`${dir}/${entry.name}/README.md`);
    }
  }
  const out: TextSource[] = [];
  for (const name of names.sort()) {
    try {
      out.push({ name: `../../${name}`, text: readFileSync(join(root, name), 'utf8') });
    } catch {
      // a package without a README contributes nothing
    }
  }
  return out;
}
