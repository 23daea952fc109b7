/**
 * Refresh token families (RFC 9700 §4.14.2): every token pair issued from one login shares a
 * family id. Only the family's newest refresh token may be used; presenting an older one means a
 * copy leaked, so the whole family is revoked, its newest refresh token and its access tokens too.
 */

/** The JSON answer of a login or refresh with a JSON body (RFC 6749 §5.1 in this API's names). */
export interface TokenAnswer {
  /** Equals `accessToken`: the article's single-token client reads `token`. */
  token: string;
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
  tokenType: 'Bearer';
}

/** What issuing a new pair for a family produced. */
export interface IssuedPair {
  answer: TokenAnswer;
  refreshJti: string;
  /** The later of the new access and refresh tokens' expiry. */
  expiresAtMs: number;
}

export type RotateOutcome =
  | { kind: 'rotated'; answer: TokenAnswer }
  /** The previous token again within the grace window: the same answer as the first time. */
  | { kind: 'grace'; answer: TokenAnswer }
  /** An older token: the family has just been revoked. */
  | { kind: 'reused' }
  /** Revoked, logged out, forgotten or expired long ago. */
  | { kind: 'revoked' };

interface Family {
  username: string;
  currentJti: string;
  revoked: boolean;
  expiresAtMs: number;
  lastRotation: { fromJti: string; atMs: number; answer: TokenAnswer } | null;
}

export interface FamilyStore {
  /** Starts `username`'s family whose first refresh token has id `refreshJti`. */
  start(fid: string, issued: IssuedPair, nowMs: number, username: string): void;
  /** True while access tokens of the family may be used. */
  isLive(fid: string): boolean;
  /**
   * Uses refresh token `jti` of family `fid`: check and rotation happen in one synchronous step,
   * so of N concurrent refreshes with one token exactly one rotates.
   */
  rotate(
    fid: string,
    jti: string,
    nowMs: number,
    graceMs: number,
    issue: () => IssuedPair,
  ): RotateOutcome;
  /** Revokes a family (logout); false when it was unknown or already revoked. */
  revoke(fid: string): boolean;
  /** Revokes every live family of `username` (an administrator's revocation); returns how many. */
  revokeAccount(username: string): number;
  /** Families neither revoked nor expired at `nowMs`. */
  count(nowMs: number): number;
  clear(): void;
}

const SWEEP_INTERVAL_MS = 10_000;
/** A family is kept this long after its last token expired, so late tokens still read `revoked`. */
const SWEEP_KEEP_MS = 60_000;

export function createFamilyStore(): FamilyStore {
  const families = new Map<string, Family>();
  let lastSweepAtMs = Number.NEGATIVE_INFINITY;

  const sweep = (nowMs: number) => {
    lastSweepAtMs = nowMs;
    for (const [fid, family] of families) {
      if (nowMs - family.expiresAtMs >= SWEEP_KEEP_MS) families.delete(fid);
    }
  };

  return {
    start(fid, issued, nowMs, username) {
      if (nowMs - lastSweepAtMs >= SWEEP_INTERVAL_MS) sweep(nowMs);
      families.set(fid, {
        username,
        currentJti: issued.refreshJti,
        revoked: false,
        expiresAtMs: issued.expiresAtMs,
        lastRotation: null,
      });
    },
    isLive(fid) {
      const family = families.get(fid);
      return family !== undefined && !family.revoked;
    },
    rotate(fid, jti, nowMs, graceMs, issue) {
      const family = families.get(fid);
      if (family === undefined || family.revoked) return { kind: 'revoked' };
      if (jti === family.currentJti) {
        const issued = issue();
        family.lastRotation = { fromJti: jti, atMs: nowMs, answer: issued.answer };
        family.currentJti = issued.refreshJti;
        family.expiresAtMs = Math.max(family.expiresAtMs, issued.expiresAtMs);
        return { kind: 'rotated', answer: issued.answer };
      }
      const last = family.lastRotation;
      if (last !== null && last.fromJti === jti && nowMs - last.atMs < graceMs) {
        return { kind: 'grace', answer: last.answer };
      }
      family.revoked = true;
      family.lastRotation = null;
      return { kind: 'reused' };
    },
    revoke(fid) {
      const family = families.get(fid);
      if (family === undefined || family.revoked) return false;
      family.revoked = true;
      family.lastRotation = null;
      return true;
    },
    revokeAccount(username) {
      let revoked = 0;
      for (const family of families.values()) {
        if (family.username !== username || family.revoked) continue;
        family.revoked = true;
        family.lastRotation = null;
        revoked += 1;
      }
      return revoked;
    },
    count(nowMs) {
      let live = 0;
      for (const family of families.values()) {
        if (!family.revoked && nowMs < family.expiresAtMs) live += 1;
      }
      return live;
    },
    clear() {
      families.clear();
    },
  };
}
