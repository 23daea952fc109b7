/** Minting an access + refresh token pair for one refresh family. */
import { randomUUID } from 'node:crypto';
import { signToken, type TokenClaims } from './jwt.ts';
import type { IssuedPair } from './token-families.ts';

export interface TokenLifetimes {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/**
 * Signs a new access and refresh token for `sub` in family `fid`, issued at `nowMs`. `iat`/`nbf`
 * round down and `exp` rounds up to whole seconds, so each token lives at least its TTL.
 */
export function issueTokenPair(
  sub: string,
  fid: string,
  nowMs: number,
  key: Buffer,
  lifetimes: TokenLifetimes,
): IssuedPair {
  const iat = Math.floor(nowMs / 1000);
  const nowCeil = Math.ceil(nowMs / 1000);
  const access: TokenClaims = {
    sub,
    iat,
    nbf: iat,
    exp: nowCeil + lifetimes.accessTtlSeconds,
    jti: randomUUID(),
    typ: 'access',
    fid,
  };
  const refresh: TokenClaims = {
    sub,
    iat,
    nbf: iat,
    exp: nowCeil + lifetimes.refreshTtlSeconds,
    jti: randomUUID(),
    typ: 'refresh',
    fid,
  };
  const accessToken = signToken(access, key);
  return {
    answer: {
      token: accessToken,
      accessToken,
      refreshToken: signToken(refresh, key),
      expiresIn: lifetimes.accessTtlSeconds,
      tokenType: 'Bearer',
    },
    refreshJti: refresh.jti,
    expiresAtMs: Math.max(access.exp, refresh.exp) * 1000,
  };
}
