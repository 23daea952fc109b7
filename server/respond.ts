/**
 * Writing answers. Every answer is JSON; every error has a stable `error` code (RFC 6749 §5.2
 * style), an optional `reason`, and a `message` that never contains a secret.
 */
import type { ServerResponse } from 'node:http';

/** The realm of every `WWW-Authenticate` challenge (RFC 6750 §3). */
const REALM = 'k6-auth-toolkit';

/** An expected failure with its HTTP answer; the app turns it into a JSON error response. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly reason: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { reason?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = options.reason ?? null;
    this.headers = options.headers ?? {};
  }
}

/** Sends `body` as JSON with `status`; extra headers (e.g. Set-Cookie) go with it. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    // Answers carry tokens and per-user data: never cache them (RFC 6749 §5.1).
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Sends an {@link HttpError} as `{ error, reason?, message }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  const body: Record<string, string> = { error: error.code };
  if (error.reason !== null) body.reason = error.reason;
  body.message = error.message;
  sendJson(res, error.status, body, error.headers);
}

/** `WWW-Authenticate` for a 401: with `error` only when a credential was presented (RFC 6750 §3.1). */
export function bearerChallenge(error?: 'invalid_token', description?: string): string {
  if (error === undefined) return `Bearer realm="${REALM}"`;
  const suffix = description === undefined ? '' : `, error_description="${description}"`;
  return `Bearer realm="${REALM}", error="${error}"${suffix}`;
}
