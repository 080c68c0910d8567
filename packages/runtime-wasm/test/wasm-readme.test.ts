// The README's "WebAssembly kernels" example, run as written: the code between the README markers below is
// the body of the README's code block (after its two imports, which are the imports of this file with the
// package name for '../src/index'); a second test checks that the README still shows exactly this code.
import { readFileSync } from 'node:fs';
import { tensor } from '@llmf/tensor';
import { expect, test, vi } from 'vitest';
import { createWasmBackend } from '../src/index';

test('the README example runs and prints what the README says', async () => {
  const printed: unknown[][] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => void printed.push(args));
  try {
    // README:start
    const wasm = await createWasmBackend({ threads: 2 });
    const x = wasm.upload(tensor([[1, 2, 3, 4]]), 'compute'); // [T = 1, K = 4]
    const w = wasm.upload(
      tensor([
        [1, 0, 0, 0],
        [0.5, 0.5, 0.5, 0.5],
      ]),
      'weights',
    ); // [N = 2, K = 4], nn.Linear layout
    const y = wasm.alloc([1, 2], 'compute');
    wasm.linear(y, x, w); // y = x · wᵀ
    console.log(Array.from(y.data)); // [ 1, 5 ]
    wasm.softmax(y, y); // in place
    console.log(y.data[1].toFixed(4)); // 0.9820
    console.log(wasm.name, wasm.threads); // wasm-simd 2
    wasm.dispose();
    // README:end
  } finally {
    log.mockRestore();
  }
  expect(printed).toEqual([[[1, 5]], ['0.9820'], ['wasm-simd', 2]]);
});

test('the README shows this example', () => {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const start = source.indexOf('\n', source.indexOf('// README:start')) + 1;
  const body = source
    .slice(start, source.indexOf('    // README:end'))
    .split('\n')
    .map((line) => line.replace(/^ {4}/, ''))
    .join('\n')
    .trim();
  const code = [
    "import { tensor } from '@llmf/tensor';",
    "import { createWasmBackend } from '@llmf/runtime-wasm';",
    '',
    body,
  ].join('\n');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme.slice(readme.indexOf('## WebAssembly kernels'))).toContain(code);
});
