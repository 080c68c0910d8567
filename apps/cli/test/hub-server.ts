// A stand-in for the Hugging Face hub on 127.0.0.1, serving a model folder the way huggingface.co does:
//   GET /{repo}/resolve/{rev}/{file}   small files directly, with a git-style ETag (not a sha256);
//                                      *.safetensors as LFS: 302 to /lfs/{file} with x-linked-size and
//                                      x-linked-etag (the sha256) on the redirect
//   GET /lfs/{file}                    the bytes, honouring `Range: bytes=N-` with 206 + Content-Range
// `failOnce` files are cut off halfway (the socket is destroyed) on their first transfer.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface HubServer {
  endpoint: string;
  /** Every request: path and headers. */
  requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface HubServerOptions {
  /** Folder served as repo `repo`. */
  dir: string;
  repo: string;
  /** Files to cut off halfway, on every transfer (`always`) or only the first (`once`). */
  cut?: Record<string, 'once' | 'always'>;
  /** Origin the LFS redirects point at (another server, like the hub's CDN); default this server. */
  cdn?: string;
  /** A sha256 to advertise instead of the true one (to test verification). */
  wrongSha256?: Record<string, string>;
}

export async function startHub(o: HubServerOptions): Promise<HubServer> {
  const requests: HubServer['requests'] = [];
  const cutDone = new Set<string>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ path: url.pathname, headers: req.headers });
    const prefix = `/${o.repo}/resolve/main/`;
    if (url.pathname.startsWith(prefix)) {
      const file = decodeURIComponent(url.pathname.slice(prefix.length));
      const path = join(o.dir, file);
      if (file.includes('..') || !existsSync(path)) {
        res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
        return;
      }
      const bytes = readFileSync(path);
      if (file.endsWith('.safetensors')) {
        const sha = o.wrongSha256?.[file] ?? createHash('sha256').update(bytes).digest('hex');
        res.writeHead(302, {
          location: `${o.cdn ?? ''}/lfs/${encodeURIComponent(file)}`,
          'x-linked-size': String(bytes.length),
          'x-linked-etag': `"${sha}"`,
        });
        res.end();
        return;
      }
      const gitEtag = createHash('sha1').update(bytes).digest('hex');
      res.writeHead(200, { 'content-length': bytes.length, etag: `"${gitEtag}"` }).end(bytes);
      return;
    }
    if (url.pathname.startsWith('/lfs/')) {
      const file = decodeURIComponent(url.pathname.slice(5));
      const bytes = readFileSync(join(o.dir, file));
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      if (start >= bytes.length) {
        res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
      const body = bytes.subarray(start);
      res.writeHead(range ? 206 : 200, {
        'content-length': body.length,
        ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
      });
      const cut = o.cut?.[file];
      if (cut === 'always' || (cut === 'once' && !cutDone.has(file))) {
        cutDone.add(file);
        // send part of the body, then drop the connection mid-file
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
          setTimeout(() => res.socket?.destroy(), 20);
        });
        return;
      }
      res.end(body);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
