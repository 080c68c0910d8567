// Token bytes → a string for people: UTF-8 where the bytes are valid UTF-8, `\xNN` escapes where not.

/**
 * Shows token bytes as text: each well-formed UTF-8 sequence is decoded, each byte that is not part of one
 * becomes a `\xNN` escape (lower-case hex), so a token that ends inside a character stays readable.
 *
 * @example displayBytes(new Uint8Array([0x68, 0x69])) === 'hi'
 * @example displayBytes(new Uint8Array([0x20, 0xe2, 0x80])) === ' \\xe2\\x80'
 */
export function displayBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    } else {
      let cp = length === 1 ? bytes[i]! : bytes[i]! & (0xff >> (length + 1));
      for (let k = 1; k < length; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
      out += String.fromCodePoint(cp);
      i += length;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence starting at `i` (1..4), or 0 when the byte there starts none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  // Well-formed ranges from the Unicode standard, table 3-7 (no overlongs, no surrogates, ≤ U+10FFFF).
  let length: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) length = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + length > bytes.length) return 0;
  const b1 = bytes[i + 1]!;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < length; k++) {
    const b = bytes[i + k]!;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return length;
}
