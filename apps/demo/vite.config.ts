// The demo page: plain TypeScript + DOM, bundled by Vite. The runtime runs in a Web Worker (src/worker.ts).
// - COOP/COEP headers on the dev and preview servers make the page cross-origin isolated, so the worker
//   gets SharedArrayBuffer and the WebAssembly backend can run kernels on worker threads.
// - The embedded default model is read from apps/cli/models/default at build time (one copy in the repo):
//   served under models/default/ by the dev server and emitted into dist/models/default/ by the build,
//   with files.json listing the folder's files.
// - Workspace packages resolve to their TypeScript sources (the @llmf/source condition): no upstream build.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const modelDir = resolve(import.meta.dirname, '../cli/models/default');
const modelRoute = 'models/default/';
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The default model folder's file names (files only, sorted). */
function modelFileNames(): string[] {
  return readdirSync(modelDir)
    .filter((name) => statSync(join(modelDir, name)).isFile())
    .sort();
}

/** Serves (dev) and emits (build) the default model folder plus its files.json listing. */
function defaultModel(): Plugin {
  return {
    name: 'llmf-default-model',
    configureServer(server) {
      server.middlewares.use(`/${modelRoute}`, (req, res, next) => {
        const name = decodeURIComponent((req.url ?? '/').split('?')[0].replace(/^\/+/, ''));
        const names = modelFileNames();
        if (name === 'files.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(names));
          return;
        }
        if (!names.includes(name)) {
          res.statusCode = 404;
          res.end('not found');
          return;
        }
        const bytes = readFileSync(join(modelDir, name));
        res.setHeader(
          'Content-Type',
          name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        );
        res.setHeader('Content-Length', String(bytes.byteLength));
        res.end(bytes);
        void next;
      });
    },
    generateBundle() {
      const names = modelFileNames();
      for (const name of names) {
        this.emitFile({
          type: 'asset',
          fileName: `${modelRoute}${name}`,
          source: readFileSync(join(modelDir, name)),
        });
      }
      this.emitFile({ type: 'asset', fileName: `${modelRoute}files.json`, source: JSON.stringify(names) });
    },
  };
}

const conditions = ['@llmf/source', 'module', 'browser', 'import', 'default'];

export default defineConfig({
  base: './',
  plugins: [defaultModel()],
  resolve: { conditions },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { headers: isolation },
  preview: { headers: isolation },
});
