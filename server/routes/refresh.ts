/**
 * `POST /refresh` (RFC 6749 §6): a refresh token in `Authorization: Bearer` (the article's shape)
 * or in a JSON or form body (`refreshToken` or `refresh_token`) buys a new access token and a new
 * refresh token (rotation). A replayed token revokes its family (RFC 9700 §4.14.2).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fieldOf, readParsedBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { bearerTokenOf } from '../credentials.ts';
import { issueTokenPair } from '../issue-tokens.ts';
import { verifyToken } from '../jwt.ts';
import { bearerChallenge, HttpError, sendJson } from '../respond.ts';
import { describeRefusal, type TokenRefusal } from '../token-reasons.ts';

export async function handleRefresh(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const token = await refreshTokenOf(ctx, req);
  const result = verifyToken(token, ctx.key, 'refresh', ctx.authNow());
  if (!result.ok) throw refuseGrant(ctx, result.reason);
  const { sub, fid, jti } = result.claims;
  // Read the clock once: rotation must not straddle two different "nows".
  const nowMs = ctx.authNow();
  const outcome = ctx.families.rotate(
    fid,
    jti,
    nowMs,
    ctx.config.refreshReuseGraceSeconds * 1000,
    () => issueTokenPair(sub, fid, nowMs, ctx.key, ctx.config),
  );
  switch (outcome.kind) {
    case 'rotated':
    case 'grace':
      ctx.stats.recordRefresh();
      sendJson(res, 200, outcome.answer);
      return;
    case 'reused':
      ctx.stats.refreshReuseDetections += 1;
      ctx.log.warn('refresh token reuse detected; token family revoked', { user: sub });
      throw refuseGrant(ctx, 'reused');
    case 'revoked':
      throw refuseGrant(ctx, 'revoked');
  }
}

async function refreshTokenOf(ctx: AppContext, req: IncomingMessage): Promise<string> {
  const bearer = bearerTokenOf(req);
  if (bearer.kind === 'bearer') return bearer.token;
  if (bearer.kind === 'malformed') throw refuseGrant(ctx, 'malformed');
  const body = await readParsedBody(req);
  const fromBody = fieldOf(body, 'refreshToken') ?? fieldOf(body, 'refresh_token');
  if (typeof fromBody === 'string' && fromBody.length > 0) return fromBody;
  ctx.stats.recordRefreshFailure('missing');
  throw new HttpError(
    400,
    'invalid_request',
    'refresh token is missing; reason: expected Authorization: Bearer <refresh token> or a refreshToken body field, got neither',
    { reason: 'missing' },
  );
}

/** `invalid_grant` (RFC 6749 §5.2), answered with 401 as the toolkit's contract says. */
function refuseGrant(ctx: AppContext, reason: TokenRefusal): HttpError {
  ctx.stats.recordRefreshFailure(reason);
  return new HttpError(
    401,
    'invalid_grant',
    `refresh refused; reason: expected a valid, unused refresh token, got ${describeRefusal(reason, 'refresh')}`,
    { reason, headers: { 'www-authenticate': bearerChallenge() } },
  );
}
