// Where a model's files come from: a directory on disk (Node), an http(s) URL of a folder (fetch: browsers and
// Node), or any other place (the Cache API, a File input...) through a ModelFiles object. loadModel reads
// every file through a FileSource.

import { LlmfError } from '@llmf/tensor';

/**
 * Model files without a filesystem. Either a map from file name to contents, e.g.
 * `{ 'config.json': text, 'model.safetensors': bytes, 'tokenizer.json': text }`,
 * or a reader that returns a file's bytes (or text), or `undefined` when the file does not exist.
 * A reader may also list its files (for error messages) and give sizes (for progress before reading).
 */
export type ModelFiles =
  | { readonly [fileName: string]: Uint8Array | string }
  | {
      read(fileName: string): Promise<Uint8Array | string | undefined>;
      list?(): Promise<string[]>;
      size?(fileName: string): Promise<number | undefined>;
    };

/** Called while files load: bytes read so far, bytes in all, and the file being read. */
export type ProgressCallback = (p: { loaded: number; total: number; file: string }) => void;

/** The uniform view loadModel uses. */
export interface FileSource {
  /** Human-readable origin for messages: the directory path or "ModelFiles". */
  readonly origin: string;
  /** The file's bytes, or undefined when it does not exist. `onBytes(n)` reports bytes as they arrive. */
  read(name: string, onBytes?: (n: number) => void): Promise<Uint8Array | undefined>;
  /** Names of the files that exist, when the source can tell (for error messages). */
  list(): Promise<string[] | undefined>;
  /** A file's size in bytes, when known before reading (for progress totals). */
  size(name: string): Promise<number | undefined>;
  /** The file opened for reads by byte range (directories on disk only), or undefined when it does not exist. */
  openRandom?(name: string): Promise<RandomAccessFile | undefined>;
}

/** A file read by byte range, synchronously (so a loader can fill one tensor at a time). */
export interface RandomAccessFile {
  readonly size: number;
  /** Read up to into.length bytes from `position` into `into`; returns how many were read (0 at the end). */
  read(position: number, into: Uint8Array): number;
  close(): void;
}

const utf8 = new TextEncoder();

function toBytes(x: Uint8Array | string): Uint8Array {
  return typeof x === 'string' ? utf8.encode(x) : x;
}

/** Open a directory path, an http(s) folder URL or a ModelFiles object as a FileSource. */
export async function openModelFiles(source: string | ModelFiles): Promise<FileSource> {
  if (typeof source === 'string')
    return /^https?:\/\//i.test(source) ? openUrl(source) : openDirectory(source);
  if (source === null || typeof source !== 'object') {
    throw new LlmfError(
      'INVALID_ARGUMENT',
      'loadModel: pass a directory path or a ModelFiles object ({ [fileName]: bytes | text } or { read(fileName) })',
    );
  }
  if (typeof source.read === 'function')
    return readerSource(source as Extract<ModelFiles, { read: unknown }>);
  return recordSource(source as Record<string, Uint8Array | string>);
}

function recordSource(files: Record<string, Uint8Array | string>): FileSource {
  const get = (name: string): Uint8Array | undefined => {
    if (!Object.hasOwn(files, name)) return undefined;
    const value = files[name];
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new LlmfError('INVALID_ARGUMENT', `ModelFiles["${name}"] must be a Uint8Array or a string`);
    }
    return toBytes(value);
  };
  return {
    origin: 'ModelFiles',
    read: async (name, onBytes) => {
      const bytes = get(name);
      if (bytes) onBytes?.(bytes.byteLength);
      return bytes;
    },
    list: async () => Object.keys(files),
    size: async (name) => get(name)?.byteLength,
  };
}

function readerSource(reader: Extract<ModelFiles, { read: unknown }>): FileSource {
  return {
    origin: 'ModelFiles',
    read: async (name, onBytes) => {
      const value = await reader.read(name);
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
        throw new LlmfError(
          'INVALID_ARGUMENT',
          `ModelFiles.read("${name}") must return a Uint8Array, a string or undefined`,
        );
      }
      const bytes = toBytes(value);
      onBytes?.(bytes.byteLength);
      return bytes;
    },
    list: async () => (reader.list ? reader.list() : undefined),
    size: async (name) => (reader.size ? reader.size(name) : undefined),
  };
}

/** Bytes per read() call for files on disk: big enough to be fast, small enough for smooth progress. */
const CHUNK = 16 * 1024 * 1024;

async function openDirectory(dir: string): Promise<FileSource> {
  // imported on use, so the package still bundles for browsers (which pass ModelFiles instead)
  const fs = await import('node:fs/promises');
  const stat = await fs.stat(dir).catch(() => undefined);
  if (stat === undefined) {
    throw new LlmfError(
      'NOT_FOUND',
      `loadModel: the directory ${dir} does not exist; pass the folder that holds config.json`,
    );
  }
  if (!stat.isDirectory()) {
    throw new LlmfError(
      'NOT_FOUND',
      `loadModel: ${dir} is a file, not a directory; pass the folder that holds config.json`,
    );
  }
  const path = (name: string) => `${dir.replace(/[\\/]+$/, '')}/${name}`;
  const size = async (name: string) => {
    const s = await fs.stat(path(name)).catch(() => undefined);
    return s?.isFile() ? s.size : undefined;
  };
  return {
    origin: dir,
    list: async () => (await fs.readdir(dir)).sort(),
    size,
    async openRandom(name) {
      const bytes = await size(name);
      if (bytes === undefined) return undefined;
      const sync = await import('node:fs');
      const fd = sync.openSync(path(name), 'r');
      let open = true;
      return {
        size: bytes,
        read: (position, into) => sync.readSync(fd, into, 0, into.byteLength, position),
        close() {
          if (open) sync.closeSync(fd);
          open = false;
        },
      };
    },
    read: async (name, onBytes) => {
      const bytesTotal = await size(name);
      if (bytesTotal === undefined) return undefined;
      // read in chunks into one buffer, reporting progress as it goes
      const handle = await fs.open(path(name), 'r');
      try {
        const out = new Uint8Array(bytesTotal);
        let done = 0;
        while (done < bytesTotal) {
          const { bytesRead } = await handle.read(out, done, Math.min(CHUNK, bytesTotal - done), done);
          if (bytesRead === 0) break; // the file shrank while we read it
          done += bytesRead;
          onBytes?.(bytesRead);
        }
        return done === bytesTotal ? out : out.subarray(0, done);
      } finally {
        await handle.close();
      }
    },
  };
}

/**
 * A folder on a web server: `${base}/${name}` with fetch. 404 means "no such file"; sizes come from HEAD
 * (Content-Length), and bodies stream in so progress moves while a large file downloads.
 */
function openUrl(base: string): FileSource {
  const url = (name: string) => `${base.replace(/\/+$/, '')}/${name}`;
  const request = async (name: string, method: 'GET' | 'HEAD'): Promise<Response | undefined> => {
    let response: Response;
    try {
      response = await fetch(url(name), { method });
    } catch (e) {
      throw new LlmfError('NOT_FOUND', `loadModel: could not fetch ${url(name)} (${(e as Error).message})`, {
        cause: e,
      });
    }
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new LlmfError(
        'NOT_FOUND',
        `loadModel: ${url(name)} answered ${response.status} ${response.statusText}`,
      );
    }
    return response;
  };
  return {
    origin: base,
    list: async () => undefined,
    size: async (name) => {
      const length = (await request(name, 'HEAD'))?.headers.get('content-length');
      return length ? Number(length) : undefined;
    },
    read: async (name, onBytes) => {
      const response = await request(name, 'GET');
      if (response === undefined) return undefined;
      if (!response.body) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        onBytes?.(bytes.byteLength);
        return bytes;
      }
      // stream the body: chunks reported as they arrive, joined once at the end
      const chunks: Uint8Array[] = [];
      let length = 0;
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        length += value.byteLength;
        onBytes?.(value.byteLength);
      }
      const out = new Uint8Array(length);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.byteLength;
      }
      return out;
    },
  };
}
