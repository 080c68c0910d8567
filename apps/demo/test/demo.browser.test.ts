// The built site in a real browser: Debian's Chromium driven by playwright-core. Loads the default model,
// types a prompt and checks every panel against Node-side references (the tokenizer and the model on the
// 'js' reference backend), generates tokens, tries a wrong folder, and saves screenshots to test-output/.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type LLM, loadModel } from '@llmf/runtime-wasm';
import { softmax } from '@llmf/sampling';
import { Tokenizer } from '@llmf/tokenizer';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const modelDir = resolve(root, '../cli/models/default');
const shots = join(root, 'test-output');
const chromiumPath = '/usr/bin/chromium';
const PROMPT = 'The cat sat on the mat';

let server: PreviewServer;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let reference: LLM;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  // CI builds first (turbo run build); a bare checkout builds here
  if (!existsSync(join(root, 'dist/index.html'))) await build({ root, logLevel: 'warn' });
  server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('the preview server has no port');
  userDataDir = mkdtempSync(join(tmpdir(), 'llmf-demo-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
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
    viewport: { width: 1200, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  mkdirSync(shots, { recursive: true });
  reference = await loadModel(modelDir, { backend: 'js' });
  await page.goto(`http://127.0.0.1:${address.port}/`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
}, 90_000);

afterAll(async () => {
  reference?.dispose();
  await context?.close();
  await server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Type the prompt and wait until the token panel shows its ids. */
async function typePrompt(text: string): Promise<number[]> {
  const ids = reference.encodePrompt(text);
  await page.fill('#prompt', text);
  await page.waitForFunction(
    (want) => document.querySelector('#token-ids')?.textContent === want,
    `ids: [${ids.join(', ')}]`,
  );
  return ids;
}

describe('demo page', () => {
  it('is cross-origin isolated and runs the wasm backend in the worker', async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    const info = await page.textContent('#model-info');
    expect(info).toMatch(/wasm/);
    expect(info).toMatch(/\d+ threads? \(page is cross-origin isolated\)/);
  });

  it('tokenizes the typed text exactly as the model tokenizer does', async () => {
    const ids = await typePrompt(PROMPT);
    const chips = await page.$$eval('#tokens .token small', (els) => els.map((e) => Number(e.textContent)));
    expect(chips).toEqual(ids);
    expect(await page.textContent('#token-count')).toContain(`${ids.length} tokens`);
  });

  it('draws the causal attention heatmap of every layer and head for the typed tokens', async () => {
    const T = reference.encodePrompt(PROMPT).length;
    const layers = await page.$$eval('#attn-layer option', (o) => o.length);
    const heads = await page.$$eval('#attn-head option', (o) => o.length);
    expect([layers, heads]).toEqual([reference.config.nLayer, reference.config.nHead]);
    for (const [layer, head] of [
      [0, 0],
      [layers - 1, heads - 1],
    ]) {
      await page.selectOption('#attn-layer', String(layer));
      await page.selectOption('#attn-head', String(head));
      const cells = await page.$$eval('#attn-grid td.cell', (els) =>
        els.map((e) => ({
          row: Number(e.getAttribute('data-row')),
          col: Number(e.getAttribute('data-col')),
          w: Number(e.getAttribute('data-w')),
          masked: e.classList.contains('masked'),
        })),
      );
      expect(cells).toHaveLength(T * T);
      for (let q = 0; q < T; q++) {
        const row = cells.filter((c) => c.row === q);
        expect(row.filter((c) => c.masked).map((c) => c.col)).toEqual(
          Array.from({ length: T - 1 - q }, (_, i) => q + 1 + i),
        );
        for (const c of row.filter((c) => c.masked)) expect(c.w).toBe(0);
        expect(row.reduce((s, c) => s + c.w, 0)).toBeCloseTo(1, 4);
      }
    }
    // keyboard: arrow keys move the cursor and the readout names the cell
    await page.focus('#attn-grid');
    await page.keyboard.press('ArrowDown');
    expect(await page.textContent('#attn-readout')).toMatch(/→/);
  });

  it('shows token and position embedding heatmaps and a cosine similarity', async () => {
    expect(
      await page.$$eval('#embed-maps canvas', (c) =>
        (c as HTMLCanvasElement[]).map((e) => [e.width, e.height]),
      ),
    ).toEqual(
      // E, P and E + P; RoPE models add no position vector (the panel says so instead)
      Array(reference.config.positions === 'rope' ? 1 : 3).fill([
        reference.config.dModel,
        reference.encodePrompt(PROMPT).length,
      ]),
    );
    expect(await page.textContent('#cos-out')).toMatch(/^cosine\(E\[.*\]\) = −?\d\.\d{3}/);
  });

  it('shows next-token probabilities equal to the reference model, summing to 1, filtered live', async () => {
    const ids = reference.encodePrompt(PROMPT);
    const V = reference.config.vocabSize;
    const logits = await reference.forward(ids);
    const expected = softmax(logits.subarray((ids.length - 1) * V));
    const rows = await page.$$eval('#sample-table tr[data-id]', (els) =>
      els.map((e) => ({ id: Number(e.getAttribute('data-id')), p: Number(e.getAttribute('data-p')) })),
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) expect(r.p).toBeCloseTo(expected[r.id], 4);
    expect(await page.textContent('#sample-sum')).toMatch(/^Σ p over all \d+ tokens = 1\.0000/);
    await page.fill('#top-k', '3');
    await page.waitForFunction(() => document.querySelectorAll('#sample-table tr.kept').length === 3);
    const finals = await page.$$eval('#sample-table tr.kept', (els) =>
      els.map((e) => Number(e.getAttribute('data-final'))),
    );
    expect(finals.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 4);
    expect(await page.textContent('#sample-sum')).toContain('3 tokens survive the filters, Σ = 1.0000');
    await page.fill('#top-k', '0');
  });

  it('replays BPE training on the seed corpus step by step', async () => {
    await page.click('#bpe-train');
    await page.click('#bpe-next');
    await page.click('#bpe-next');
    expect(await page.textContent('#bpe-caption')).toContain('(low, e)');
    const symbols = await page.$$eval('#bpe-symbols .token', (els) =>
      els.map((e) => e.textContent).join(' '),
    );
    expect(symbols).toBe('low _ lowe r _ lowe s t _ low l y');
    expect(await page.textContent('#bpe-word-out')).toBe('"lowest" → ["lowe", "s", "t"] → ids [11, 5, 6]');
  });

  it('streams a greedy generation identical to the reference model', async () => {
    await page.fill('#max-tokens', '12');
    await page.fill('#seed', '7');
    await page.fill('#temperature', '0');
    await page.dispatchEvent('#temperature', 'input');
    await page.click('#generate-button');
    await page.waitForFunction(() =>
      /tokens in/.test(document.querySelector('#generate-stats')?.textContent ?? ''),
    );
    let want = '';
    for await (const t of reference.generate(PROMPT, { maxTokens: 12, temperature: 0 })) want += t.text;
    expect(await page.textContent('#output')).toBe(PROMPT + want);
    expect(await page.textContent('#generate-stats')).toMatch(/\d+ tokens in [\d.]+ s · [\d.]+ tok\/s/);
    expect(await page.isDisabled('#stop-button')).toBe(true);
  });

  it('stops a running generation and stays usable', async () => {
    await page.fill('#temperature', '1');
    await page.dispatchEvent('#temperature', 'input');
    await page.fill('#max-tokens', '100');
    // press Generate and Stop in one turn: the abort reaches the worker between two tokens
    await page.evaluate(() => {
      document.getElementById('generate-button')!.click();
      document.getElementById('stop-button')!.click();
    });
    await page.waitForFunction(() =>
      /ended: /.test(document.querySelector('#generate-stats')?.textContent ?? ''),
    );
    const stats = (await page.textContent('#generate-stats')) ?? '';
    expect(stats).toContain('ended: stopped');
    expect(Number(stats.split(' ')[0])).toBeLessThan(100);
    expect(await page.isEnabled('#generate-button')).toBe(true);
    expect(await page.isDisabled('#stop-button')).toBe(true);
  });

  it('saves a desktop screenshot', async () => {
    await page.screenshot({ path: join(shots, 'desktop.png'), fullPage: true });
  });

  it('fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, 'phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('loads a model folder picked with the folder input', async () => {
    await page.evaluate(() => {
      document.body.dataset.state = 'test'; // only a new load brings back "ready"
    });
    await page.setInputFiles('#folder-input', modelDir);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#model-status')).toContain(`Loaded: ${reference.config.modelType}`);
    expect(
      await page.evaluate(() => {
        const bar = document.querySelector<HTMLProgressElement>('#load-progress')!;
        return bar.value === bar.max && bar.max > 0;
      }),
    ).toBe(true);
  });

  it('loads model files dropped on the drop zone', async () => {
    await page.evaluate(async () => {
      const names = (await (await fetch('models/default/files.json')).json()) as string[];
      const data = new DataTransfer();
      document.body.dataset.state = 'test'; // only a new load brings back "ready"
      for (const name of names) {
        const bytes = await (await fetch(`models/default/${name}`)).arrayBuffer();
        data.items.add(new File([bytes], name));
      }
      document
        .getElementById('drop-zone')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#model-status')).toContain('Loaded');
    expect(await page.textContent('#model-info')).toContain('config.json, model.safetensors, tokenizer.json');
  });

  it('runs a Llama checkpoint (RoPE, GQA, SwiGLU) picked as a folder: logits and greedy ids as PyTorch', async () => {
    const fixture = resolve(root, '../../fixtures/models/llama-tiny');
    const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as {
      prompt: string;
      prompt_ids: number[];
      greedy_ids: number[];
      top5_ids: number[];
      top5_logits: number[];
    };
    await page.evaluate(() => {
      document.body.dataset.state = 'test';
    });
    await page.setInputFiles('#folder-input', fixture);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#model-status')).toContain('Loaded: llama');
    await page.fill('#prompt', expected.prompt);
    await page.waitForFunction(
      (want) => document.querySelector('#token-ids')?.textContent === want,
      `ids: [${expected.prompt_ids.join(', ')}]`,
    );
    expect(await page.textContent('#embed-maps')).toContain('RoPE');
    await page.fill('#temperature', '1');
    await page.dispatchEvent('#temperature', 'input');
    const top = await page.$$eval('#sample-table tr[data-id]', (els) =>
      els.slice(0, 5).map((e) => [Number(e.getAttribute('data-id')), Number(e.getAttribute('data-logit'))]),
    );
    expect(top.map(([id]) => id)).toEqual(expected.top5_ids);
    for (const [i, [, logit]] of top.entries())
      expect(Math.abs(logit - expected.top5_logits[i])).toBeLessThan(2e-4);
    // greedy generation: every margin in expected.json is above 1e-3, so the ids must match exactly
    await page.fill('#temperature', '0');
    await page.dispatchEvent('#temperature', 'input');
    await page.fill('#max-tokens', String(expected.greedy_ids.length));
    await page.evaluate(() => {
      document.querySelector('#generate-stats')!.textContent = '';
    });
    await page.click('#generate-button');
    await page.waitForFunction(() =>
      /tokens in/.test(document.querySelector('#generate-stats')?.textContent ?? ''),
    );
    const tokenizer = Tokenizer.fromHuggingFace(readFileSync(join(fixture, 'tokenizer.json'), 'utf8'));
    expect(await page.textContent('#output')).toBe(expected.prompt + tokenizer.decode(expected.greedy_ids));
    await page.locator('#embed').screenshot({ path: join(shots, 'llama-embed.png') });
  });

  it('says clearly when a picked folder is not a model folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmf-not-a-model-'));
    writeFileSync(join(dir, 'notes.txt'), 'not a model');
    try {
      await page.setInputFiles('#folder-input', dir);
      await page.waitForSelector('body[data-state="load-error"]');
      const status = await page.textContent('#model-status');
      expect(status).toContain('not a model folder');
      expect(status).toContain('config.json is missing');
      expect(status).toContain('notes.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works on one thread where a host sends no COOP/COEP headers', async () => {
    // a bare static server over dist/: no isolation headers, so no SharedArrayBuffer
    const dist = join(root, 'dist');
    const plain = createServer((req, res) => {
      const path = join(
        dist,
        decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/\/$/, '/index.html'),
      );
      if (!path.startsWith(dist) || !existsSync(path)) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const type = path.endsWith('.html')
        ? 'text/html'
        : path.endsWith('.js')
          ? 'text/javascript'
          : path.endsWith('.css')
            ? 'text/css'
            : 'application/octet-stream';
      res.setHeader('Content-Type', type);
      res.end(readFileSync(path));
    });
    await new Promise<void>((done) => plain.listen(0, '127.0.0.1', done));
    const other = await context.newPage();
    other.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    try {
      const address = plain.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      await other.goto(`http://127.0.0.1:${address.port}/`);
      await other.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      expect(await other.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
      expect(await other.textContent('#model-info')).toContain('1 thread (page is not cross-origin isolated');
      expect(await other.$$eval('#attn-grid td.cell', (c) => c.length)).toBe(
        reference.encodePrompt('The cat sat on the').length ** 2,
      );
    } finally {
      await other.close();
      plain.closeAllConnections(); // keep-alive sockets would hold close() open
      await new Promise((done) => plain.close(done));
    }
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
