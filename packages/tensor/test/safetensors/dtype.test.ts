import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  bf16BytesToF32,
  bf16ToF32,
  f8e4m3ToF32,
  f8e5m2ToF32,
  f16BytesToF32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
} from '../../src/index';

describe('f16', () => {
  test.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0400, 2 ** -14], // smallest normal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x8001, -(2 ** -24)],
    [0x7c00, Number.POSITIVE_INFINITY],
    [0xfc00, Number.NEGATIVE_INFINITY],
  ])('f16ToF32(0x%s) = %f', (bits, value) => {
    expect(f16ToF32(bits)).toBe(value);
  });

  test('-0 and NaN', () => {
    expect(Object.is(f16ToF32(0x8000), -0)).toBe(true);
    expect(f16ToF32(0x7e00)).toBeNaN();
    expect(f16ToF32(0xfc01)).toBeNaN();
    expect(f32ToF16(Number.NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16(Number.NaN) & 0x3ff).not.toBe(0);
  });

  test('every f16 bit pattern survives f16 → f32 → f16 (all 65536, NaNs stay NaN)', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const x = f16ToF32(h);
      const ok = Number.isNaN(x) ? Number.isNaN(f16ToF32(f32ToF16(x))) : f32ToF16(x) === h;
      if (!ok) wrong.push(h);
    }
    expect(wrong).toEqual([]);
  });

  test('f32 → f16 rounds to nearest, ties to even (values from numpy float16)', () => {
    expect(f32ToF16(65519)).toBe(0x7bff); // rounds down to 65504
    expect(f32ToF16(65520)).toBe(0x7c00); // the tie rounds to even: ∞
    expect(f32ToF16(1e6)).toBe(0x7c00);
    expect(f32ToF16(-1e6)).toBe(0xfc00);
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie → even mantissa 0
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even mantissa 2
    expect(f32ToF16(2 ** -25)).toBe(0x0000); // half the smallest subnormal: tie → 0
    expect(f32ToF16(1.5 * 2 ** -25)).toBe(0x0001);
    expect(f32ToF16(2 ** -26)).toBe(0x0000);
    expect(f32ToF16(1023.5 * 2 ** -24)).toBe(0x0400); // subnormal rounding carries into the smallest normal
    expect(f32ToF16(-0)).toBe(0x8000);
  });

  test('f32 → f16 picks the nearest representable value', () => {
    fc.assert(
      fc.property(fc.double({ min: -65504, max: 65504, noNaN: true }), (x) => {
        const v = Math.fround(x);
        const h = f32ToF16(v);
        const err = Math.abs(f16ToF32(h) - v);
        // neighbours in bit order (same sign) are never closer
        for (const n of [h - 1, h + 1]) {
          if ((n & 0x7fff) <= 0x7bff && n >= 0 && n < 65536 && (n & 0x8000) === (h & 0x8000)) {
            expect(err).toBeLessThanOrEqual(Math.abs(f16ToF32(n) - v));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('bulk conversion matches the scalar one, also at an odd byte offset', () => {
    const bits = [0x3c00, 0x8001, 0x7bff, 0xfc00, 0x0200];
    const buf = new Uint8Array(1 + 2 * bits.length);
    bits.forEach((b, i) => {
      buf[1 + 2 * i] = b & 0xff;
      buf[2 + 2 * i] = b >> 8;
    });
    expect([...f16BytesToF32(buf.subarray(1))]).toEqual(bits.map(f16ToF32));
  });
});

describe('bf16', () => {
  test('is the top half of an f32', () => {
    expect(bf16ToF32(0x3f80)).toBe(1);
    expect(bf16ToF32(0xc040)).toBe(-3);
    expect(bf16ToF32(0x7f80)).toBe(Number.POSITIVE_INFINITY);
    expect(bf16ToF32(0x0001)).toBe(2 ** -133); // subnormal
    expect(bf16ToF32(0x7fc0)).toBeNaN();
  });

  test('every bf16 bit pattern survives bf16 → f32 → bf16', () => {
    const wrong: number[] = [];
    for (let b = 0; b < 65536; b++) {
      const x = bf16ToF32(b);
      const ok = Number.isNaN(x) ? Number.isNaN(bf16ToF32(f32ToBf16(x))) : f32ToBf16(x) === b;
      if (!ok) wrong.push(b);
    }
    expect(wrong).toEqual([]);
  });

  test('f32 → bf16 rounds to nearest even', () => {
    expect(f32ToBf16(1 + 2 ** -8)).toBe(0x3f80);
    expect(f32ToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(f32ToBf16(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(f32ToBf16(3.4028234663852886e38)).toBe(0x7f80); // f32 max rounds up to ∞
  });

  test('bulk conversion at an odd byte offset', () => {
    const buf = new Uint8Array([0, 0x80, 0x3f, 0x40, 0xc0]);
    expect([...bf16BytesToF32(buf.subarray(1))]).toEqual([1, -3]);
  });
});

describe('f8', () => {
  // values from torch.float8_e4m3fn / torch.float8_e5m2 semantics (OCP FP8 spec)
  test.each([
    [0x00, 0],
    [0x38, 1],
    [0xc0, -2],
    [0x7e, 448], // max
    [0x08, 2 ** -6], // smallest normal
    [0x07, 7 * 2 ** -9], // largest subnormal
    [0x01, 2 ** -9], // smallest subnormal
    [0x3c, 1.5],
  ])('e4m3fn 0x%s = %f', (bits, value) => {
    expect(f8e4m3ToF32(bits)).toBe(value);
  });
  test('e4m3fn has NaN at S.1111.111 and no infinities', () => {
    expect(f8e4m3ToF32(0x7f)).toBeNaN();
    expect(f8e4m3ToF32(0xff)).toBeNaN();
    expect(f8e4m3ToF32(0x78)).toBe(256);
  });
  test.each([
    [0x3c, 1],
    [0x7b, 57344], // max
    [0x7c, Number.POSITIVE_INFINITY],
    [0x01, 2 ** -16], // smallest subnormal
    [0xc0, -2],
  ])('e5m2 0x%s = %f', (bits, value) => {
    expect(f8e5m2ToF32(bits)).toBe(value);
  });
  test('e5m2 NaN', () => {
    expect(f8e5m2ToF32(0x7e)).toBeNaN();
  });
});
