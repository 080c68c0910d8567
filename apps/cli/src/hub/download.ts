// One resumable, verified file download over HTTP(S).
//
//   <dest>.partial  ← bytes are appended here; a rerun (or a retry after a dropped connection) asks the
//                     server for the rest with `Range: bytes=<size>-`
//   size check      ← the expected size is `x-linked-size` (Hugging Face puts it on the redirect of an LFS
//                     file), else the total of `Content-Range`, else `Content-Length`
//   sha256 check    ← `x-linked-etag`, or an ETag that is 64 hex digits, is the file's sha256 (LFS)
//   rename          ← only a complete, verified file gets its final name (atomic on one filesystem)

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from '../errors';

/** What the caller learns while a file downloads. */
export interface DownloadProgress {
  file: string;
  done: number;
  total?: number;
}

export interface DownloadOptions {
  /** Extra request headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** Attempts after a dropped connection, each resuming where the last stopped. Default 3. */
  retries?: number;
  onProgress?(p: DownloadProgress): void;
  signal?: AbortSignal;
}

/** The result of a download. */
export interface DownloadResult {
  bytes: number;
  /** The sha256 the server declared and that was verified, if any. */
  sha256?: string;
  /** True if the transfer started from an existing `.partial` file or recovered from a dropped connection. */
  resumed: boolean;
}

/** A 404 on a file: the caller decides whether the file was optional. */
export class NotFoundError extends CliError {}

const maxRedirects = 10;

/** Strip `W/` and quotes from an ETag. */
function cleanEtag(value: string | null): string | undefined {
  if (!value) return undefined;
  return value.replace(/^W\//, '').replace(/^"|"$/g, '');
}

interface Response0 {
  response: Response;
  linkedSize?: number;
  sha256?: string;
}

/** GET `url`, following redirects by hand so the `x-linked-*` headers of each hop are seen. */
async function request(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response0> {
  let current = url;
  let hopHeaders = headers;
  let linkedSize: number | undefined;
  let sha256: string | undefined;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    let response: Response;
    try {
      response = await fetch(current, { headers: hopHeaders, redirect: 'manual', signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      const reason = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach ${new URL(current).origin}: ${reason?.code ?? reason?.message ?? String(error)}`,
      );
    }
    const size = response.headers.get('x-linked-size');
    if (size && linkedSize === undefined) linkedSize = Number(size);
    const linkedEtag = cleanEtag(response.headers.get('x-linked-etag'));
    const etag = cleanEtag(response.headers.get('etag'));
    if (!sha256 && linkedEtag && /^[0-9a-f]{64}$/i.test(linkedEtag)) sha256 = linkedEtag.toLowerCase();
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      await response.body?.cancel();
      const next = new URL(response.headers.get('location')!, current);
      // subtle: LFS redirects go to a CDN with a signed URL; a bearer token sent there as well is at best
      // leaked and at worst refused ("only one auth mechanism allowed"), so it stays with the hub's origin.
      if (next.origin !== new URL(url).origin) {
        const { authorization: _, ...rest } = hopHeaders;
        hopHeaders = rest;
      }
      current = next.toString();
      continue;
    }
    if (!sha256 && etag && /^[0-9a-f]{64}$/i.test(etag) && response.ok) sha256 = etag.toLowerCase();
    return { response, linkedSize, sha256 };
  }
  throw new CliError(`too many redirects for ${url}`);
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The total length from `Content-Range: bytes a-b/total`. */
function rangeTotal(value: string | null): number | undefined {
  const match = value?.match(/\/(\d+)\s*$/);
  return match ? Number(match[1]) : undefined;
}

/**
 * Download `url` to `dest`, resuming `dest.partial` if it exists, verifying size and sha256, and renaming
 * into place when complete. Throws NotFoundError on 404, CliError on any other failure (the `.partial`
 * file is kept for the next attempt unless its content was proven wrong).
 */
export async function downloadFile(
  url: string,
  dest: string,
  o: DownloadOptions = {},
): Promise<DownloadResult> {
  const partial = `${dest}.partial`;
  await mkdir(dirname(dest), { recursive: true });
  const retries = o.retries ?? 3;
  const file = dest.split(/[\\/]/).pop()!;
  let resumed = false;
  for (let attempt = 0; ; attempt++) {
    const have = await sizeOf(partial);
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...o.headers };
    if (have > 0) {
      headers.range = `bytes=${have}-`;
      resumed = true;
    }
    const { response, linkedSize, sha256 } = await request(url, headers, o.signal);
    if (response.status === 404) {
      await response.body?.cancel();
      throw new NotFoundError(`not found: ${url}`);
    }
    if (response.status === 416 && have > 0) {
      // The range starts at or past the end: the partial file is as long as the file or longer. Check it.
      await response.body?.cancel();
      if (linkedSize === undefined || have !== linkedSize) {
        await rm(partial, { force: true });
        continue;
      }
      return finish(partial, dest, have, linkedSize, sha256, resumed);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new CliError(
        `access denied (HTTP ${response.status}) for ${url}; the repo may be gated or private: set HF_TOKEN`,
      );
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new CliError(`HTTP ${response.status} ${response.statusText} for ${url}`);
    }
    // 200 to a Range request: the server sends the whole file, so start over.
    const append = response.status === 206 && have > 0;
    const start = append ? have : 0;
    const total =
      linkedSize ??
      (response.status === 206
        ? rangeTotal(response.headers.get('content-range'))
        : Number(response.headers.get('content-length') ?? Number.NaN));
    const expected = Number.isFinite(total) ? (total as number) : undefined;

    const handle = await open(partial, append ? 'a' : 'w');
    let done = start;
    let dropped: unknown;
    try {
      o.onProgress?.({ file, done, total: expected });
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          await handle.write(chunk);
          done += chunk.byteLength;
          o.onProgress?.({ file, done, total: expected });
        }
      }
    } catch (error) {
      if (o.signal?.aborted) throw error;
      dropped = error;
    } finally {
      await handle.close();
    }
    if (dropped !== undefined || (expected !== undefined && done < expected)) {
      if (attempt < retries) {
        resumed = true;
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
        continue;
      }
      throw new CliError(
        `download of ${file} was interrupted at ${done}${expected ? ` of ${expected}` : ''} bytes; run the same command again to resume`,
      );
    }
    return finish(partial, dest, done, expected, sha256, resumed);
  }
}

async function finish(
  partial: string,
  dest: string,
  size: number,
  expected: number | undefined,
  sha256: string | undefined,
  resumed: boolean,
): Promise<DownloadResult> {
  const file = dest.split(/[\\/]/).pop()!;
  if (expected !== undefined && size !== expected) {
    await rm(partial, { force: true });
    throw new CliError(
      `${file}: got ${size} bytes, expected ${expected}; the partial file was removed, try again`,
    );
  }
  if (sha256) {
    const actual = await sha256File(partial);
    if (actual !== sha256) {
      await rm(partial, { force: true });
      throw new CliError(
        `${file}: sha256 mismatch (expected ${sha256}, got ${actual}); the download was discarded`,
      );
    }
  }
  await rename(partial, dest);
  return { bytes: size, sha256, resumed };
}
