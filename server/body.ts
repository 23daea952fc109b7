/**
 * Request bodies: a size limit enforced while reading, and the two formats the API takes (form
 * and JSON). Every problem is an {@link HttpError} (413, 415, 400), never a crash.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.ts';

/** Far above any login or refresh body; bounds memory per request. */
const BODY_LIMIT_BYTES = 16 * 1024;

export type ParsedBody =
  | { kind: 'none' }
  | { kind: 'form'; fields: URLSearchParams }
  | { kind: 'json'; value: unknown };

/** The media type of a request, lower case without parameters; '' when there is none. */
function mediaTypeOf(req: IncomingMessage): string {
  const header = req.headers['content-type'] ?? '';
  return header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Reads and parses the body by its Content-Type: form or JSON. An empty body without a
 * Content-Type is `none`; any other media type is 415 before a byte is read.
 */
export async function readParsedBody(req: IncomingMessage): Promise<ParsedBody> {
  const mediaType = mediaTypeOf(req);
  const form = mediaType === 'application/x-www-form-urlencoded';
  if (!form && !isJson(mediaType) && mediaType !== '') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Content-Type is not supported; reason: expected application/json or application/x-www-form-urlencoded, got ${mediaType.slice(0, 60)}`,
    );
  }
  const text = await readBody(req, BODY_LIMIT_BYTES);
  if (form) return { kind: 'form', fields: new URLSearchParams(text) };
  if (mediaType === '') {
    if (text.length === 0) return { kind: 'none' };
    throw new HttpError(
      415,
      'unsupported_media_type',
      'Content-Type is missing; reason: expected application/json or application/x-www-form-urlencoded with a body, got none',
    );
  }
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    throw new HttpError(
      400,
      'invalid_json',
      'request body is not JSON; reason: expected a JSON document, got text that does not parse',
    );
  }
}

/** Reads the whole body as UTF-8, refusing (413) more than `limitBytes`. */
function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const tooLarge = () =>
    new HttpError(
      413,
      'payload_too_large',
      `request body is too large; reason: expected at most ${limitBytes} bytes, got more`,
      // The rest of the body is not read: the connection cannot be reused.
      { headers: { connection: 'close' } },
    );
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limitBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limitBytes) {
        settled = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    // A client that goes away mid-body must not leave this promise pending forever.
    req.on('close', () => {
      if (settled) return;
      settled = true;
      reject(
        new HttpError(
          400,
          'incomplete_body',
          'request body is incomplete; reason: expected the whole body, got a closed connection',
        ),
      );
    });
  });
}

/** A required string field of a form or JSON object body; 400 when absent or not a string. */
export function requireField(body: ParsedBody, name: string): string {
  const value = fieldOf(body, name);
  if (typeof value !== 'string' || value.length === 0) {
    throw new HttpError(
      400,
      'invalid_request',
      `field "${name}" is missing; reason: expected a non-empty string, got ${value === undefined ? 'nothing' : typeof value}`,
    );
  }
  return value;
}

/** A field of a form body, or an own property of a JSON object body; undefined otherwise. */
export function fieldOf(body: ParsedBody, name: string): unknown {
  if (body.kind === 'form') return body.fields.get(name) ?? undefined;
  if (body.kind === 'json') {
    const value = body.value;
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.hasOwn(value, name)
    ) {
      return (value as Record<string, unknown>)[name];
    }
  }
  return undefined;
}
