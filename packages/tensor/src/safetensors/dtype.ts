// Storage dtypes of safetensors files and the conversions between them and f32.
// All multi-byte values in a safetensors file are little-endian.

/** Every dtype the safetensors format defines, with its size in bytes. */
export const dtypeSizes = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

/** A dtype name as written in a safetensors header ('F32', 'F16', 'BF16', ...). */
export type SafetensorsDtype = keyof typeof dtypeSizes;

/** True if `s` names a dtype of the safetensors format. */
export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && Object.hasOwn(dtypeSizes, s);
}

/** True when this machine stores numbers little-endian (every current browser and Node platform). */
export const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * IEEE 754 half precision bits → number. 1 sign, 5 exponent (bias 15), 10 mantissa bits;
 * exponent 0 is zero / subnormal (m·2⁻²⁴), exponent 31 is ±∞ (m = 0) or NaN.
 * @example f16ToF32(0x3c00) // 1
 * @example f16ToF32(0x0001) // 5.960464477539063e-8 (smallest subnormal)
 */
export function f16ToF32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * bfloat16 bits → number: a bf16 is the top 16 bits of an f32.
 * @example bf16ToF32(0x3f80) // 1
 */
export function bf16ToF32(bits: number): number {
  u32Scratch[0] = (bits & 0xffff) << 16;
  return f32Scratch[0];
}

/**
 * number → IEEE 754 half precision bits, rounding to nearest even (as PyTorch's .half()).
 * Overflow gives ±∞, underflow a subnormal or ±0, NaN stays NaN.
 */
export function f32ToF16(value: number): number {
  f32Scratch[0] = value;
  const u = u32Scratch[0];
  const sign = (u >>> 16) & 0x8000;
  const exp32 = (u >>> 23) & 0xff;
  const mant32 = u & 0x7fffff;
  if (exp32 === 0xff) return sign | 0x7c00 | (mant32 !== 0 ? 0x200 : 0);
  const e = exp32 - 127 + 15; // the f16 exponent field
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal in f16: m16 = M · 2^(exp32 − 126), M = 1.mant32 as a 24-bit integer
    if (e < -10) return sign; // below half the smallest subnormal: rounds to ±0
    const full = mant32 | 0x800000;
    const shift = 14 - e;
    let m16 = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && (m16 & 1) === 1)) m16++;
    return sign | m16; // a carry into bit 10 is exactly the smallest normal
  }
  let h = sign | (e << 10) | (mant32 >>> 13);
  const rest = mant32 & 0x1fff;
  // subtle: the increment may carry into the exponent, up to 0x7c00 = ∞, which is the right rounding
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
  return h;
}

/** number → bfloat16 bits, rounding to nearest even; NaN stays NaN. */
export function f32ToBf16(value: number): number {
  f32Scratch[0] = value;
  const u = u32Scratch[0];
  if ((u & 0x7f800000) === 0x7f800000 && (u & 0x7fffff) !== 0) return (u >>> 16) | 0x40;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * float8 e4m3fn bits → number (PyTorch torch.float8_e4m3fn, safetensors F8_E4M3): 1 sign, 4 exponent
 * (bias 7), 3 mantissa bits; exponent 0 is subnormal (m·2⁻⁹); no infinities, S.1111.111 is NaN; max 448.
 * @example f8e4m3ToF32(0x38) // 1
 */
export function f8e4m3ToF32(bits: number): number {
  const sign = bits & 0x80 ? -1 : 1;
  const exponent = (bits >> 3) & 0xf;
  const mantissa = bits & 0x7;
  if (exponent === 0xf && mantissa === 0x7) return Number.NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
}

/**
 * float8 e5m2 bits → number (torch.float8_e5m2, safetensors F8_E5M2): the top byte of an IEEE half.
 * @example f8e5m2ToF32(0x3c) // 1
 */
export function f8e5m2ToF32(bits: number): number {
  return f16ToF32((bits & 0xff) << 8);
}

let f16Table: Float32Array | undefined;

/** All 65536 half-precision values, built on first use (256 KiB). */
function f16Lookup(): Float32Array {
  if (f16Table === undefined) {
    f16Table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) f16Table[i] = f16ToF32(i);
  }
  return f16Table;
}

/** Little-endian u16 values of `raw` (a view when aligned on a little-endian host, else a copy). */
function readU16(raw: Uint8Array): Uint16Array {
  const n = raw.byteLength >> 1;
  if (littleEndianHost && raw.byteOffset % 2 === 0) return new Uint16Array(raw.buffer, raw.byteOffset, n);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = raw[2 * i] | (raw[2 * i + 1] << 8);
  return out;
}

/** Raw little-endian F16 bytes → f32 values (into `out` if given: length raw.byteLength / 2). */
export function f16BytesToF32(raw: Uint8Array, out = new Float32Array(raw.byteLength >> 1)): Float32Array {
  const table = f16Lookup();
  const halves = readU16(raw);
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
  return out;
}

/** Raw little-endian BF16 bytes → f32 values (into `out` if given: length raw.byteLength / 2). */
export function bf16BytesToF32(raw: Uint8Array, out = new Float32Array(raw.byteLength >> 1)): Float32Array {
  const halves = readU16(raw);
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
  return out;
}

/** Raw little-endian F32 bytes → a fresh Float32Array (copied, so it never aliases the file). */
export function f32BytesToF32(raw: Uint8Array, out = new Float32Array(raw.byteLength >> 2)): Float32Array {
  if (littleEndianHost) {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(raw);
    return out;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}
