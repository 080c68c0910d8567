// Build safetensors files by hand (for corruption tests): an 8-byte length, the header text, then data.
export function rawFile(header: string | object, dataBytes: number, declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  const view = new DataView(out.buffer);
  const n = declaredLength ?? json.length;
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  return out;
}

/** The first 8 + N bytes of a safetensors file (its length field and header), or all of it if shorter. */
export function headBytes(file: Uint8Array): Uint8Array {
  if (file.length < 8) return file;
  const view = new DataView(file.buffer, file.byteOffset, 8);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  return file.subarray(0, Math.min(file.length, 8 + headerLength));
}
