// Errors the server answers with, in the OpenAI shape: `{ "error": { "message", "type", "code" } }`.
// The status says whose fault it was (4xx: the request's, 5xx: the server's); `type` and `code` let
// clients branch without parsing the message (the `openai` SDK maps the status to its error classes).

/** The `type` values OpenAI's API uses. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

/** A failure that becomes one HTTP error response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType,
    readonly code: string | null,
    /** Extra response headers (e.g. `Allow` for 405, `Retry-After` for 429 and 503). */
    readonly headers: Record<string, string> = {},
    /** The request field at fault (`messages.0.role`), when there is one. */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The JSON body OpenAI clients expect. */
  body(): { error: { message: string; type: ErrorType; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400: the request is malformed or asks for something this server cannot do. */
export function badRequest(
  message: string,
  code: string | null = 'invalid_request',
  param: string | null = null,
): HttpError {
  return new HttpError(400, message, 'invalid_request_error', code, {}, param);
}

/** 503: the model is not ready yet, or the server is shutting down. */
export function unavailable(message: string, code: string): HttpError {
  return new HttpError(503, message, 'server_error', code, { 'retry-after': '1' });
}
