import { describe, expect, test } from 'vitest';
import {
  LlmfError,
  parseSafetensorsHeader,
  readSafetensors,
  readTensor,
  type SafetensorsReadOptions,
  tensor,
  writeSafetensors,
} from '../../src/index';
import { headBytes, rawFile } from './helpers';

/** The error thrown by fn, checked to be an LlmfError with the given code. */
function failure(fn: () => unknown, code = 'MODEL_FORMAT'): Error {
  try {
    fn();
  } catch (e) {
    expect(LlmfError.isInstance(e)).toBe(true);
    expect((e as LlmfError).code).toBe(code);
    return e as Error;
  }
  throw new Error('expected a failure');
}

const good = writeSafetensors({
  'h.0.attn.c_attn.weight': tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]),
  bias: tensor([7, 8]),
});

// Every corruption is checked in both forms of the header check: the whole file's bytes (readSafetensors,
// which validates through parseSafetensorsHeader), and only its first 8 + N bytes with the file's size.
const forms: [string, (bytes: Uint8Array, o?: SafetensorsReadOptions) => unknown][] = [
  ['whole file', (bytes, o) => readSafetensors(bytes, o)],
  [
    'first 8 + N bytes and fileSize',
    (bytes, o) => parseSafetensorsHeader(headBytes(bytes), { ...o, fileSize: bytes.length }),
  ],
];

describe.each(forms)('corrupt safetensors files (%s)', (_form, check) => {
  test('truncated file: the last tensor ends past the data section', () => {
    const e = failure(() => check(good.subarray(0, good.length - 3), { fileName: 'model.safetensors' }));
    expect(e.message).toMatch(
      /^model\.safetensors: tensor "bias" ends at byte 32 but the file's data section has 29 bytes \(truncated download\?\)$/,
    );
  });

  test('shorter than the 8-byte length field', () => {
    expect(failure(() => check(new Uint8Array(5))).message).toMatch(
      /5 bytes, fewer than the 8-byte header length/,
    );
  });

  test('header length larger than the file', () => {
    const f = rawFile({}, 0, 1000);
    expect(failure(() => check(f)).message).toMatch(
      /header length field says 1000 bytes but the file has only 2/,
    );
    const huge = rawFile({}, 0, 2 ** 40);
    expect(failure(() => check(huge)).message).toMatch(/says 1099511627776 bytes/);
  });

  test('header that is not JSON, not UTF-8, or not an object', () => {
    expect(failure(() => check(rawFile('{"a": [1, 2', 0))).message).toMatch(
      /header is not valid JSON .*starts with "\{"a": \[1, 2"/,
    );
    const bad = rawFile('{}', 0);
    bad[8] = 0xff;
    expect(failure(() => check(bad)).message).toMatch(/not valid UTF-8/);
    expect(failure(() => check(rawFile('[1, 2]', 0))).message).toMatch(/must be a JSON object/);
    expect(failure(() => check(rawFile('null', 0))).message).toMatch(/must be a JSON object/);
  });

  test('offsets outside the file', () => {
    const f = rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [100, 108] } }, 8);
    expect(failure(() => check(f)).message).toMatch(
      /tensor "w" ends at byte 108 but the file's data section has 8 bytes/,
    );
  });

  test('size mismatch between shape and offsets', () => {
    const f = rawFile({ w: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 8] } }, 8);
    expect(failure(() => check(f)).message).toMatch(
      /tensor "w" has 8 bytes \(data_offsets \[0, 8\]\) but shape \[2, 3\] of F16 needs 12/,
    );
  });

  test('unknown dtype', () => {
    const f = rawFile({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16);
    expect(failure(() => check(f)).message).toMatch(/tensor "w" has unknown dtype "F128"; known: BOOL, U8/);
  });

  test('overlapping tensors', () => {
    const f = rawFile(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      12,
    );
    expect(failure(() => check(f)).message).toMatch(/tensors "a" and "b" overlap/);
  });

  test('bad shapes, offsets and metadata', () => {
    const cases: [object, RegExp][] = [
      [
        { w: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } },
        /shape \[-1\]; a shape is a list of non-negative integers/,
      ],
      [{ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 0] } }, /shape \[1\.5\]/],
      [{ w: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, /shape "2"/],
      [{ w: { dtype: 'F32', shape: [2], data_offsets: [8] } }, /data_offsets \[8\]; expected \[begin, end\]/],
      [{ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, /end before they begin/],
      [{ w: 'F32' }, /tensor "w" must be an object/],
      [{ __metadata__: { format: 1 } }, /"__metadata__"\."format" must be a string/],
      [{ __metadata__: [] }, /"__metadata__" must be an object/],
    ];
    for (const [header, message] of cases)
      expect(failure(() => check(rawFile(header, 8))).message).toMatch(message);
  });
});

describe('corrupt safetensors files', () => {
  test('parse errors never leave a partial result: the same bytes parse after a failure elsewhere', () => {
    failure(() => readSafetensors(good.subarray(0, 20)));
    expect(readSafetensors(good).get('bias')?.data).toEqual(new Float32Array([7, 8]));
  });

  test('non-Uint8Array input is an INVALID_ARGUMENT', () => {
    failure(() => readSafetensors([1, 2, 3] as unknown as Uint8Array), 'INVALID_ARGUMENT');
  });
  test('F8 tensors convert; an entry with a dtype outside the format gives UNSUPPORTED', () => {
    const f = rawFile(
      {
        a: { dtype: 'F8_E4M3', shape: [3], data_offsets: [0, 3] },
        b: { dtype: 'F8_E5M2', shape: [2], data_offsets: [3, 5] },
      },
      5,
    );
    const dataStart = f.length - 5;
    f.set([0x38, 0xbc, 0x7e, 0x3c, 0x7c], dataStart);
    const t = readSafetensors(f);
    expect([...(t.get('a')?.data ?? [])]).toEqual([1, -1.5, 448]);
    expect([...(t.get('b')?.data ?? [])]).toEqual([1, Number.POSITIVE_INFINITY]);
    const entry = { name: 'w', dtype: 'F4' as 'F32', shape: [1], begin: dataStart, end: dataStart + 1 };
    expect(failure(() => readTensor(f, entry), 'UNSUPPORTED').message).toMatch(/"w" is stored as F4/);
  });
});

describe('parseSafetensorsHeader with fileSize', () => {
  const head = headBytes(good);

  test('accepts the first 8 + N bytes, or more of the file, and locates tensors as the whole file does', () => {
    const whole = parseSafetensorsHeader(good);
    expect(head.length).toBe(whole.dataOffset);
    expect(parseSafetensorsHeader(head, { fileSize: good.length })).toEqual(whole);
    expect(parseSafetensorsHeader(good.subarray(0, head.length + 5), { fileSize: good.length })).toEqual(
      whole,
    );
    expect(parseSafetensorsHeader(good, { fileSize: good.length })).toEqual(whole);
  });

  test('validates offsets against fileSize, not against the bytes given', () => {
    const e = failure(() =>
      parseSafetensorsHeader(head, { fileSize: good.length - 1, fileName: 'm.safetensors' }),
    );
    expect(e.message).toMatch(
      /^m\.safetensors: tensor "bias" ends at byte 32 but the file's data section has 31 bytes/,
    );
  });

  test('bytes that stop before the end of the header are an INVALID_ARGUMENT naming how many are needed', () => {
    const short = failure(
      () => parseSafetensorsHeader(head.subarray(0, head.length - 1), { fileSize: good.length }),
      'INVALID_ARGUMENT',
    );
    expect(short.message).toMatch(
      new RegExp(
        `${head.length - 1} bytes were given with fileSize, but the header needs the first ${head.length} `,
      ),
    );
    const noLength = failure(
      () => parseSafetensorsHeader(head.subarray(0, 4), { fileSize: good.length }),
      'INVALID_ARGUMENT',
    );
    expect(noLength.message).toMatch(/4 bytes were given with fileSize, but the header needs the first 8 /);
  });

  test('a fileSize that is not an integer ≥ the bytes given is an INVALID_ARGUMENT', () => {
    for (const fileSize of [head.length - 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(failure(() => parseSafetensorsHeader(head, { fileSize }), 'INVALID_ARGUMENT').message).toMatch(
        /fileSize is .*; pass the file's total size in bytes/,
      );
    }
  });
});
