import { defineConfig } from 'tsup';

export default defineConfig([
  // The library entry: ESM + CJS with types. `shims` gives the CJS build an import.meta.url.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    shims: true,
    sourcemap: true,
    target: 'es2022',
  },
  // The `llmf` executable: ESM only (package.json "bin" points at dist/bin.js). The `#!/usr/bin/env node`
  // line at the top of src/bin.ts is kept by tsup, which also marks the file executable.
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
  },
]);
