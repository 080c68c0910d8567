// Writing whole JSON responses, including errors in OpenAI's shape.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error';

/** A JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answer with `error` as an OpenAI error body (500 for anything that is not an HttpError). */
export function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const http =
    error instanceof HttpError
      ? error
      : new HttpError(
          500,
          `internal error: ${error instanceof Error ? error.message : String(error)}`,
          'server_error',
          'internal_error',
        );
  // an unread (oversized) body would otherwise be taken for the next request on this connection
  const headers: Record<string, string> = { ...http.headers };
  if (!req.complete) headers.connection = 'close';
  sendJson(res, http.status, http.body(), headers);
}
