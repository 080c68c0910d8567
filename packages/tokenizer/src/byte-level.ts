// GPT-2's byte-level alphabet: each of the 256 byte values is shown as a printable Unicode character
// (printable latin1 bytes as themselves, the rest as U+0100 + n), so tokenizer.json / vocab.json can hold
// byte tokens as strings. ' ' (0x20) is 'Ġ' (U+0120), '\n' is 'Ċ'.

/** byte → its byte-level character. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) chars[b] = String.fromCharCode(printable(b) ? b : 256 + n++);
  return chars;
})();

/** byte-level character → byte. */
export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** Byte-level token string → latin1 key of its bytes, or undefined if a character is not in the alphabet. */
export function byteLevelToKey(token: string): string | undefined {
  let key = '';
  for (const ch of token) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) return undefined;
    key += String.fromCharCode(b);
  }
  return key;
}

/** Latin1 key → byte-level token string. */
export function keyToByteLevel(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) out += BYTE_TO_CHAR[key.charCodeAt(i)]!;
  return out;
}
