// Bytes as "keys": a token's bytes are held as a latin1 string (one char per byte, 0..255). Strings are
// cheap to slice, hash and compare in every JS engine, so the rank table is a Map<string, number> and BPE
// merging never allocates a Uint8Array.

/** ASCII-only test: every UTF-16 unit < 0x80, so the string is its own UTF-8 key. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * UTF-8 bytes of `text` as a latin1 key string. A lone surrogate becomes U+FFFD (EF BF BD), exactly what
 * TextEncoder does, so tokenizing a malformed string equals tokenizing its well-formed repair.
 * @example utf8Key('é') === '\xc3\xa9'
 */
export function utf8Key(text: string): string {
  if (isAscii(text)) return text;
  const codes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      codes.push(c);
    } else if (c < 0x800) {
      codes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          codes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
          continue;
        }
        c = 0xfffd; // subtle: lone surrogate → U+FFFD, as TextEncoder
      }
      codes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return latin1FromCodes(codes);
}

/** A latin1 string from byte values (chunked: fromCharCode's argument count is limited). */
export function latin1FromCodes(codes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) {
    out += String.fromCharCode.apply(null, Array.prototype.slice.call(codes, i, i + 8192) as number[]);
  }
  return out;
}

/** Bytes of a latin1 key. */
export function keyToBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/** Latin1 key of some bytes. */
export function bytesToKey(bytes: ArrayLike<number>): string {
  return latin1FromCodes(bytes);
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
/** UTF-8 decode; malformed sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The text a key's bytes spell in UTF-8 (malformed bytes → U+FFFD). */
export function keyToText(key: string): string {
  return isAscii(key) ? key : decodeUtf8(keyToBytes(key));
}

/** Base64 → latin1 key (atob exists in Node ≥ 16, browsers and edge workers). */
export function base64ToKey(base64: string): string {
  return atob(base64);
}

/** Latin1 key → base64. */
export function keyToBase64(key: string): string {
  return btoa(key);
}

/** Byte length of the UTF-8 sequence that starts with `lead` (1 for continuation or invalid bytes). */
export function utf8SequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf8) return 4;
  return 1;
}
