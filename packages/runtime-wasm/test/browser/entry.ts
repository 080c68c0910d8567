// Bundled by test/wasm-browser.test.ts and run in Chromium: the @llmf/tensor conformance suite on the WASM
// backend (default build: relaxed SIMD where Chromium validates it), on the page and, with two threads over
// shared memory, inside a Web Worker (Atomics.wait is not allowed on a page's main thread).
import { backendConformance } from '@llmf/tensor/testing';
import { createWasmBackend } from '../../src/wasm/index';

interface Report {
  where: string;
  simd: string;
  threads: number;
  passed: number;
  failures: string[];
}

async function conformance(where: string, threads: number): Promise<Report> {
  const probe = await createWasmBackend({ threads });
  const report: Report = { where, simd: probe.simd, threads: probe.threads, passed: 0, failures: [] };
  probe.dispose();
  for (const c of backendConformance(() => createWasmBackend({ threads }), { numRuns: 10 })) {
    try {
      await c.run();
      report.passed++;
    } catch (e) {
      report.failures.push(`${c.name}: ${String(e).slice(0, 400)}`);
    }
  }
  return report;
}

declare const self: { postMessage(m: unknown): void; onmessage: unknown } & Record<string, unknown>;

if (typeof window === 'undefined') {
  // in the worker
  conformance('worker', 2).then(
    (r) => self.postMessage(r),
    (e) => self.postMessage({ where: 'worker', error: String(e) }),
  );
} else {
  const w = window as unknown as Record<string, unknown>;
  (async () => {
    const page = await conformance('page', 1);
    const worker = new Worker('/entry.js');
    const inWorker = await new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ where: 'worker', error: e.message });
    });
    w.__llmfResult = { page, worker: inWorker, crossOriginIsolated: globalThis.crossOriginIsolated };
  })().catch((e) => {
    w.__llmfResult = { error: String(e) };
  });
}
