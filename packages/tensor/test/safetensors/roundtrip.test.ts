import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  bf16ToF32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  parseSafetensorsHeader,
  readSafetensors,
  readTensorRaw,
  type Tensor,
  tensor,
  writeSafetensors,
} from '../../src/index';
import { headBytes } from './helpers';

// a map of 1..5 named tensors with 0..3 dimensions of size 0..6
const arbTensors = fc
  .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9._]{0,15}$/), { minLength: 1, maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }).chain((shape) => {
          const n = shape.reduce((a, b) => a * b, 1);
          return fc
            .array(fc.float({ noNaN: true }), { minLength: n, maxLength: n })
            .map((values) => [name, tensor(Float32Array.from(values), shape)] as [string, Tensor]);
        }),
      ),
    ),
  )
  .map((pairs) => new Map(pairs));

describe('writeSafetensors → readSafetensors', () => {
  test('F32 round trip is exact (names, order, shapes, values, metadata)', () => {
    fc.assert(
      fc.property(
        arbTensors,
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        (tensors, metadata) => {
          const bytes = writeSafetensors(tensors, { metadata });
          const header = parseSafetensorsHeader(bytes);
          expect(header.metadata).toEqual(metadata);
          expect(parseSafetensorsHeader(headBytes(bytes), { fileSize: bytes.length })).toEqual(header);
          expect(header.dataOffset % 8).toBe(0);
          const back = readSafetensors(bytes);
          expect([...back.keys()]).toEqual([...tensors.keys()]);
          for (const [name, t] of tensors) {
            expect(back.get(name)?.shape).toEqual(t.shape);
            expect(back.get(name)?.data).toEqual(t.data);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test.each([
    ['F16', f32ToF16, f16ToF32],
    ['BF16', f32ToBf16, bf16ToF32],
  ] as const)('%s round trip gives each value rounded to the dtype', (dtype, encode, decode) => {
    fc.assert(
      fc.property(arbTensors, (tensors) => {
        const back = readSafetensors(writeSafetensors(tensors, { dtype }));
        for (const [name, t] of tensors) {
          const expected = Array.from(t.data, (v) => decode(encode(v)));
          expect([...(back.get(name)?.data ?? [])]).toEqual(expected);
        }
      }),
      { numRuns: 100 },
    );
  });

  test.each([
    ['F16', 2 ** -11],
    ['BF16', 2 ** -8],
  ] as const)('%s keeps normal-range values within half an ulp (relative %f)', (dtype, rel) => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: Math.fround(1e-4), max: Math.fround(6e4), noNaN: true }), {
          minLength: 1,
          maxLength: 40,
        }),
        (values) => {
          const t = tensor(Float32Array.from(values));
          const back =
            readSafetensors(writeSafetensors({ t }, { dtype })).get('t')?.data ?? new Float32Array();
          for (let i = 0; i < values.length; i++) {
            expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(rel * Math.abs(values[i]));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('the layout: u64 LE length, space-padded JSON, relative data_offsets, little-endian data', () => {
    const bytes = writeSafetensors(
      { a: tensor([1.5]), b: tensor([[-2, 0.25]]) },
      { dtype: 'F16', metadata: { format: 'pt' } },
    );
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(JSON.parse(text)).toEqual({
      __metadata__: { format: 'pt' },
      a: { dtype: 'F16', shape: [1], data_offsets: [0, 2] },
      b: { dtype: 'F16', shape: [1, 2], data_offsets: [2, 6] },
    });
    expect(text).toMatch(/^\{.*\} *$/);
    expect(bytes.length).toBe(8 + n + 6);
    expect([...bytes.subarray(8 + n)]).toEqual([0x00, 0x3e, 0x00, 0xc0, 0x00, 0x34]); // 1.5, −2, 0.25 in f16 LE
    const header = parseSafetensorsHeader(bytes);
    expect(
      header.entries.map((e) => [e.name, e.begin - header.dataOffset, e.end - header.dataOffset]),
    ).toEqual([
      ['a', 0, 2],
      ['b', 2, 6],
    ]);
    expect([...readTensorRaw(bytes, header.entries[1])]).toEqual([0x00, 0xc0, 0x00, 0x34]);
  });

  test('metadata keys named like Object.prototype members ("__proto__", "constructor") round-trip', () => {
    const metadata = JSON.parse('{"__proto__":"","constructor":"c","toString":"t"}');
    const header = parseSafetensorsHeader(writeSafetensors({ a: tensor([1]) }, { metadata }));
    expect(Object.keys(header.metadata)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.entries(header.metadata)).toEqual(Object.entries(metadata));
  });

  test('reads from a Uint8Array view that does not start at its buffer (unaligned F32 data)', () => {
    const bytes = writeSafetensors({ w: tensor([1, 2, 3]) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(readSafetensors(shifted.subarray(3)).get('w')?.data).toEqual(new Float32Array([1, 2, 3]));
  });

  test('the result never aliases the input bytes, and writing does not mutate tensors', () => {
    const t = tensor([1, 2]);
    const bytes = writeSafetensors({ t });
    expect([...t.data]).toEqual([1, 2]);
    const back = readSafetensors(bytes).get('t');
    bytes.fill(0);
    expect([...(back?.data ?? [])]).toEqual([1, 2]);
  });

  test('rejects bad names, duplicate-free Records, shape/data mismatch and non-string metadata', () => {
    expect(() => writeSafetensors({ __metadata__: tensor([1]) })).toThrow(/cannot be a tensor name/);
    expect(() => writeSafetensors({ w: { shape: [3], data: new Float32Array(2) } })).toThrow(
      /must be a Tensor whose data holds/,
    );
    expect(() => writeSafetensors({ w: tensor([1]) }, { metadata: { a: 1 as unknown as string } })).toThrow(
      /metadata "a" must be a string/,
    );
    expect(() => writeSafetensors({ w: tensor([1]) }, { dtype: 'F64' as 'F32' })).toThrow(/dtype must be/);
  });

  test('names that are Object.prototype keys are ordinary tensor names', () => {
    const tensors = new Map([
      ['__proto__', tensor([1])],
      ['constructor', tensor([2])],
      ['toString', tensor([3])],
    ]);
    const back = readSafetensors(writeSafetensors(tensors));
    expect([...back.keys()]).toEqual(['__proto__', 'constructor', 'toString']);
    expect(back.get('__proto__')?.data).toEqual(new Float32Array([1]));
  });

  test('reads integer and F64 dtypes as f32', () => {
    const header = {
      i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
      d: { dtype: 'F64', shape: [1], data_offsets: [16, 24] },
      u: { dtype: 'U8', shape: [2], data_offsets: [24, 26] },
      s: { dtype: 'I32', shape: [1], data_offsets: [26, 30] },
    };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + json.length + 30);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, json.length, true);
    bytes.set(json, 8);
    const d = 8 + json.length;
    view.setBigInt64(d, -5n, true);
    view.setBigInt64(d + 8, 1n << 40n, true);
    view.setFloat64(d + 16, 0.1, true);
    bytes[d + 24] = 255;
    bytes[d + 25] = 7;
    view.setInt32(d + 26, -123456, true);
    const t = readSafetensors(bytes);
    expect([...(t.get('i')?.data ?? [])]).toEqual([-5, 2 ** 40]);
    expect(t.get('d')?.data[0]).toBe(Math.fround(0.1));
    expect([...(t.get('u')?.data ?? [])]).toEqual([255, 7]);
    expect(t.get('s')?.data[0]).toBe(-123456);
  });
});
