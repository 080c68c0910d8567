import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // each encoding's rank data stays its own chunk, loaded by getEncoding's dynamic import() (CJS too)
  splitting: true,
  target: 'es2022',
});
