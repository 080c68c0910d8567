// The Backend conformance suite of @llmf/tensor/testing (every op against the reference backend with its
// default tolerance table, in-place use, inputs left unchanged, invalid calls, alloc / upload), run on the
// WASM backend: the plain SIMD128 build, the default build (relaxed SIMD where the engine validates it),
// and two threads over shared memory.
import { backendConformance } from '@llmf/tensor/testing';
import { describe, test } from 'vitest';
import { createWasmBackend } from '../src/wasm/index';

describe.each([
  ['simd128', { simd: 'simd128' as const }],
  ['default', {}],
  ['2 threads', { threads: 2 }],
])('wasm backend conformance, %s', (_label, options) => {
  for (const c of backendConformance(() => createWasmBackend(options), { numRuns: 20 })) test(c.name, c.run);
});
