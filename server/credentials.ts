/** Finding the credentials a request presents: a Bearer token (RFC 6750 §2.1) or the `sid` cookie. */
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from './sessions.ts';

export type BearerLookup =
  /** No Authorization header, or one with another scheme (e.g. Basic): no token presented. */
  | { kind: 'absent' }
  /** `Bearer` with an empty or multi-part credential. */
  | { kind: 'malformed' }
  | { kind: 'bearer'; token: string };

/** The Bearer token of the Authorization header; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerTokenOf(req: IncomingMessage): BearerLookup {
  const header = req.headers.authorization;
  if (header === undefined) return { kind: 'absent' };
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'absent' };
  const token = space < 0 ? '' : header.slice(space + 1).trim();
  if (token.length === 0 || token.includes(' ')) return { kind: 'malformed' };
  return { kind: 'bearer', token };
}

/** The value of the first `sid` cookie (RFC 6265 §5.4), or null. */
export function sessionIdOf(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (header === undefined) return null;
  const prefix = `${SESSION_COOKIE}=`;
  for (const pair of header.split(';')) {
    const trimmed = pair.trim();
    if (trimmed.startsWith(prefix)) return trimmed.slice(prefix.length);
  }
  return null;
}
