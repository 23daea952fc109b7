/**
 * Server-side sessions behind the `sid` cookie, with an idle and an absolute lifetime (OWASP
 * Session Management Cheat Sheet). Ids are 256 random bits, new at every login.
 */
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'sid';
/** 32 random bytes in unpadded base64url; anything else cannot be one of ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;
/** Expired sessions are dropped on lookup, and by a sweep at most this often. */
const SWEEP_INTERVAL_MS = 10_000;
/** The sweep keeps an expired session this long, so its cookie still gets `session_expired`. */
const SWEEP_KEEP_MS = 60_000;

export interface Session {
  username: string;
  createdAtMs: number;
  lastSeenAtMs: number;
}

export type SessionLookup =
  | { ok: true; session: Session }
  | { ok: false; reason: 'session_expired' | 'unknown_session' };

export interface SessionStore {
  /** Starts a session and returns its id (a secret: never log it). */
  create(username: string, nowMs: number): string;
  /** Finds a live session and marks it used at `nowMs`; an expired one is deleted. */
  touch(id: string, nowMs: number): SessionLookup;
  /** Ends a session; false when there was none. */
  delete(id: string): boolean;
  /** Sessions still alive at `nowMs`. */
  count(nowMs: number): number;
  clear(): void;
}

export function createSessionStore(idleTtlSeconds: number, maxTtlSeconds: number): SessionStore {
  const sessions = new Map<string, Session>();
  let lastSweepAtMs = Number.NEGATIVE_INFINITY;

  const expiresAtMs = (session: Session) =>
    Math.min(
      session.lastSeenAtMs + idleTtlSeconds * 1000,
      session.createdAtMs + maxTtlSeconds * 1000,
    );

  const sweep = (nowMs: number) => {
    lastSweepAtMs = nowMs;
    for (const [id, session] of sessions) {
      if (nowMs - expiresAtMs(session) >= SWEEP_KEEP_MS) sessions.delete(id);
    }
  };

  return {
    create(username, nowMs) {
      // Bounds memory under login-per-iteration load without a timer.
      if (nowMs - lastSweepAtMs >= SWEEP_INTERVAL_MS) sweep(nowMs);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { username, createdAtMs: nowMs, lastSeenAtMs: nowMs });
      return id;
    },
    touch(id, nowMs) {
      const session = SESSION_ID.test(id) ? sessions.get(id) : undefined;
      if (session === undefined) return { ok: false, reason: 'unknown_session' };
      if (nowMs >= expiresAtMs(session)) {
        sessions.delete(id);
        return { ok: false, reason: 'session_expired' };
      }
      session.lastSeenAtMs = nowMs;
      return { ok: true, session };
    },
    delete(id) {
      return sessions.delete(id);
    },
    count(nowMs) {
      let alive = 0;
      for (const session of sessions.values()) {
        if (nowMs < expiresAtMs(session)) alive += 1;
      }
      return alive;
    },
    clear() {
      sessions.clear();
    },
  };
}
