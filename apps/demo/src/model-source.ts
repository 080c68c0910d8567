// Reading a model folder in the browser: the embedded default (fetched from the site, files.json lists it)
// or File objects the user picked or dropped. Both become a ModelFiles reader for loadModel; every file is
// read once (memoised) so the worker's inspection model reuses the bytes, and bytes are reported as they
// arrive so the page's progress bar moves while the weights download.

import type { ModelFiles } from '@llmf/runtime-wasm';

/** A ModelFiles reader that also tells the page how far the reads have come. */
export interface ProgressReader {
  files: Extract<ModelFiles, { read: unknown }>;
  /** Reads a file through the same memo (undefined when absent). */
  bytes(name: string): Promise<Uint8Array | undefined>;
  names: string[];
}

type OnProgress = (p: { loaded: number; total: number; file: string }) => void;

/** Files the loader may ask for; the progress total counts the ones present. */
const weightLike = /\.(safetensors|json|txt)$/;

function memoReader(
  names: string[],
  sizes: Map<string, number>,
  readRaw: (name: string, onBytes: (n: number) => void) => Promise<Uint8Array>,
  onProgress: OnProgress,
): ProgressReader {
  const memo = new Map<string, Promise<Uint8Array>>();
  let total = 0;
  for (const name of names) if (weightLike.test(name)) total += sizes.get(name) ?? 0;
  let loaded = 0;
  const bytes = (name: string): Promise<Uint8Array | undefined> => {
    if (!names.includes(name)) return Promise.resolve(undefined);
    let read = memo.get(name);
    if (read === undefined) {
      read = readRaw(name, (n) => {
        loaded += n;
        if (loaded > total) total = loaded;
        onProgress({ loaded, total, file: name });
      });
      memo.set(name, read);
    }
    return read;
  };
  return {
    names,
    bytes,
    files: {
      read: bytes,
      list: async () => names,
      size: async (name) => sizes.get(name),
    },
  };
}

/** The site's embedded model folder at `base` (a URL ending in '/'), listed by its files.json. */
export async function urlFolder(base: string, onProgress: OnProgress): Promise<ProgressReader> {
  const listing = await fetch(new URL('files.json', base));
  if (!listing.ok)
    throw new Error(`the default model is missing from this site (${listing.status} for files.json)`);
  const names = (await listing.json()) as string[];
  const sizes = new Map<string, number>();
  await Promise.all(
    names.map(async (name) => {
      const head = await fetch(new URL(name, base), { method: 'HEAD' });
      const length = head.headers.get('content-length');
      if (head.ok && length) sizes.set(name, Number(length));
    }),
  );
  return memoReader(
    names,
    sizes,
    async (name, onBytes) => {
      const response = await fetch(new URL(name, base));
      if (!response.ok)
        throw new Error(`could not download ${name}: ${response.status} ${response.statusText}`);
      if (!response.body) {
        const all = new Uint8Array(await response.arrayBuffer());
        onBytes(all.byteLength);
        return all;
      }
      // stream the body, reporting chunks, then join them once
      const chunks: Uint8Array[] = [];
      let length = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        length += value.byteLength;
        onBytes(value.byteLength);
      }
      const out = new Uint8Array(length);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.byteLength;
      }
      return out;
    },
    onProgress,
  );
}

/**
 * Files picked with a folder input or dropped: keyed by their base name (a folder's files sit side by side;
 * webkitRelativePath prefixes are dropped). Later duplicates of a name are ignored.
 */
export function fileFolder(list: File[], onProgress: OnProgress): ProgressReader {
  const byName = new Map<string, File>();
  for (const file of list) if (!byName.has(file.name)) byName.set(file.name, file);
  const sizes = new Map([...byName].map(([name, file]) => [name, file.size]));
  return memoReader(
    [...byName.keys()].sort(),
    sizes,
    async (name, onBytes) => {
      const out = new Uint8Array(await byName.get(name)!.arrayBuffer());
      onBytes(out.byteLength);
      return out;
    },
    onProgress,
  );
}
