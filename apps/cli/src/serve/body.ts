// Reading a JSON request body with a size limit: a declared Content-Length over the limit is refused before
// reading, and a chunked body is counted as it arrives, so an oversized request never sits in memory.

import type { IncomingMessage } from 'node:http';
import { badRequest, HttpError } from './http-error';

function tooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    `the request body is larger than ${limit} bytes (--max-body)`,
    'invalid_request_error',
    'request_too_large',
  );
}

/** The body of `req` parsed as JSON; 413 above `limit` bytes, 400 for a wrong content type or bad JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(
      415,
      `the body must be JSON (Content-Type: application/json), not ${type}`,
      'invalid_request_error',
      'unsupported_media_type',
    );
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const text = await collect(req, limit);
  if (text.trim() === '') throw badRequest('the request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body is not valid JSON (${(error as Error).message})`, 'invalid_json');
  }
}

/**
 * The body as text, or 413 once it passes `limit`. The rest of an oversized body is read and dropped
 * rather than the socket destroyed, so that the client still gets the 413 response.
 */
function collect(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      req.off('data', onData);
      req.resume(); // discard the remainder
      reject(tooLarge(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () =>
      reject(new HttpError(400, 'the client closed the connection', 'invalid_request_error', 'aborted')),
    );
  });
}
