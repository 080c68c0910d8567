// The WASM backend in a browser: bundles test/browser/entry.ts (the backend + the @llmf/tensor conformance
// suite) with esbuild, serves it on 127.0.0.1 from a cross-origin-isolated page (COOP/COEP, so
// SharedArrayBuffer exists), and runs it in headless Chromium (playwright-core, the system /usr/bin/chromium):
// one thread on the page, two threads (Web Workers over shared memory) inside a worker.
// Needs Debian's Chromium at /usr/bin/chromium (`npm test` installs it where it can); without it the test
// fails with that instruction rather than passing silently.

import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const chromiumPath = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));

interface Report {
  where: string;
  simd: string;
  threads: number;
  passed: number;
  failures: string[];
  error?: string;
}

describe('wasm backend in Chromium', () => {
  test('Chromium is installed at /usr/bin/chromium', () => {
    expect(existsSync(chromiumPath), 'install it with `apt-get install -y chromium`').toBe(true);
  });

  let server: Server;
  let result: { page: Report; worker: Report; crossOriginIsolated: boolean; error?: string };

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [join(here, 'browser', 'entry.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@llmf/source'],
      write: false,
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0].text;
    const html =
      '<!doctype html><meta charset="utf-8"><title>llmf wasm</title><script src="/entry.js"></script>';
    server = createServer((req, res) => {
      const isolation = {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      };
      if (req.url === '/entry.js')
        res.writeHead(200, { 'Content-Type': 'text/javascript', ...isolation }).end(script);
      else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html', ...isolation }).end(html);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(
        () => (window as unknown as Record<string, unknown>).__llmfResult,
        undefined,
        {
          timeout: 50_000,
        },
      );
      result = await page.evaluate(
        () => (window as unknown as Record<string, unknown>).__llmfResult as never,
      );
    } finally {
      await browser.close();
    }
  }, 60_000);

  afterAll(() => {
    server?.close();
  });

  test('the page is cross-origin isolated (SharedArrayBuffer for threads)', () => {
    expect(result.error).toBeUndefined();
    expect(result.crossOriginIsolated).toBe(true);
  });

  test('one thread on the page passes the conformance suite (relaxed SIMD where Chromium has it)', () => {
    expect(result.page.failures).toEqual([]);
    expect(result.page.passed).toBeGreaterThan(20);
    expect(result.page.threads).toBe(1);
    expect(['simd128', 'relaxed-simd']).toContain(result.page.simd);
  });

  test('two threads (Web Workers over shared memory) inside a worker pass the conformance suite', () => {
    expect(result.worker.error).toBeUndefined();
    expect(result.worker.failures).toEqual([]);
    expect(result.worker.passed).toBeGreaterThan(20);
    expect(result.worker.threads).toBe(2);
  });
});
