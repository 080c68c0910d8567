// The fixture checkpoints parse with the names, dtypes and shapes they were saved with, and decode to the
// values numpy decodes (test/fixtures/safetensors-expected.json, made by safetensors-expected.py).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSafetensorsHeader, readSafetensors } from '../../src/index';
import { headBytes } from './helpers';

const root = new URL('../../../../fixtures/models/', import.meta.url);
const expected: Record<
  string,
  Record<string, { dtype: string; shape: number[]; sum: number; first: number }>
> = JSON.parse(readFileSync(new URL('../fixtures/safetensors-expected.json', import.meta.url), 'utf8'));

describe.each(Object.keys(expected))('%s', (path) => {
  const bytes = new Uint8Array(readFileSync(new URL(path, root)));
  const want = expected[path];

  test('header: names, dtypes, shapes', () => {
    const header = parseSafetensorsHeader(bytes, { fileName: path });
    const got = Object.fromEntries(header.entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape }]));
    expect(got).toEqual(
      Object.fromEntries(Object.entries(want).map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape }])),
    );
    if (path.endsWith('model.safetensors')) expect(header.metadata).toEqual({ format: 'pt' });
  });

  test('header from only the first 8 + N bytes and the file size equals the whole-file header', () => {
    const head = headBytes(bytes);
    expect(head.length).toBeLessThan(bytes.length);
    const header = parseSafetensorsHeader(head, { fileName: path, fileSize: bytes.length });
    expect(header).toEqual(parseSafetensorsHeader(bytes, { fileName: path }));
    expect(header.entries.map((e) => e.name).sort()).toEqual(Object.keys(want).sort());
  });

  test('values: f64 sum and first value of every tensor match numpy', () => {
    const tensors = readSafetensors(bytes);
    for (const [name, w] of Object.entries(want)) {
      const t = tensors.get(name);
      expect(t?.shape).toEqual(w.shape);
      let sum = 0;
      for (const v of t?.data ?? []) sum += v;
      expect(sum).toBeCloseTo(w.sum, 6);
      expect(t?.data[0]).toBe(w.first);
    }
  });
});

test('the dtypes of the fixtures are F32, F16 and BF16 as the fixture README says', () => {
  const dtypes = (p: string) => new Set(Object.values(expected[p]).map((v) => v.dtype));
  expect(dtypes('gpt2-tiny/model.safetensors')).toEqual(new Set(['F32']));
  expect(dtypes('gpt2-tiny-f16/model.safetensors')).toEqual(new Set(['F16']));
  expect(dtypes('llama-tiny-bf16/model.safetensors')).toEqual(new Set(['BF16']));
  expect(expected['gpt2-tiny/model.safetensors']['h.0.attn.c_attn.weight'].shape).toEqual([64, 192]);
  expect(expected['llama-tiny/expected.safetensors'].logits.shape).toEqual([10, 1025]);
});
