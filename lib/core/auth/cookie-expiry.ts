/**
 * When a cookie ends, from its `Set-Cookie` lifetime attributes (RFC 6265 §5.2.1 `Expires`,
 * §5.2.2 `Max-Age`, §5.3 step 3), and which cookie of a login answer is the session's. All times
 * are epoch milliseconds from the local clock.
 */
import type { CookieLifetime, ResponseView } from '../http-types.ts';

/**
 * The moment a cookie set at `receivedAtMs` ends: `Max-Age` when it has one (it wins over
 * `Expires`, RFC 6265 §5.3 step 3), else `Expires`, else null (a browser-session cookie: its
 * attributes say nothing about the server's session). A deletion (`Max-Age` ≤ 0, §5.2.2, or an
 * `Expires` in the past) ends it at `receivedAtMs`, never earlier, so a lifetime is never negative.
 * A malformed attribute (not a finite number) counts as absent, as §5.2.1 and §5.2.2 ignore it.
 */
export function cookieExpiresAtMs(lifetime: CookieLifetime, receivedAtMs: number): number | null {
  const { maxAgeSeconds, expiresAtMs } = lifetime;
  if (maxAgeSeconds !== undefined && Number.isFinite(maxAgeSeconds)) {
    return receivedAtMs + Math.max(0, maxAgeSeconds) * 1000;
  }
  if (expiresAtMs !== undefined && Number.isFinite(expiresAtMs)) {
    return Math.max(receivedAtMs, expiresAtMs);
  }
  return null;
}

/** A session cookie as last set by the server: which one, and when it ends. */
export interface SessionCookie {
  name: string;
  /** Null: a browser-session cookie (neither `Max-Age` nor `Expires`). */
  expiresAtMs: number | null;
  /** When the response that set it arrived: `expiresAtMs − setAtMs` is its lifetime. */
  setAtMs: number;
}

/** A cookie named `name` with these lifetime attributes, set by a response at `receivedAtMs`. */
export function readSessionCookie(
  name: string,
  lifetime: CookieLifetime,
  receivedAtMs: number,
): SessionCookie {
  return { name, expiresAtMs: cookieExpiresAtMs(lifetime, receivedAtMs), setAtMs: receivedAtMs };
}

/**
 * The session cookie a response set: the one named `cookieName`, or, with no name (the profile
 * accepts any cookie), the one that ends first, since the session is lost with it; a cookie
 * without an end counts as ending last, and one the response deletes (an empty value, or an end
 * at once: a CSRF cookie cleared by the login) is not the session's. Undefined when the response
 * set no such cookie.
 */
export function findSessionCookie(
  cookieName: string | null,
  res: Pick<ResponseView, 'setCookies' | 'cookieLifetimes' | 'receivedAtMs'>,
): SessionCookie | undefined {
  const names = cookieName === null ? Object.keys(res.setCookies) : [cookieName];
  let found: SessionCookie | undefined;
  for (const name of names) {
    const value = res.setCookies[name];
    if (value === undefined) continue;
    const cookie = readSessionCookie(name, res.cookieLifetimes?.[name] ?? {}, res.receivedAtMs);
    const deleted = value === '' || cookie.expiresAtMs === res.receivedAtMs;
    if (cookieName === null && deleted) continue;
    if (found === undefined || endsBefore(cookie, found)) found = cookie;
  }
  return found;
}

function endsBefore(a: SessionCookie, b: SessionCookie): boolean {
  return a.expiresAtMs !== null && (b.expiresAtMs === null || a.expiresAtMs < b.expiresAtMs);
}
