/**
 * `GET /protected`: answers who the caller is, given a Bearer access token or a live session.
 * Every refusal is a 401 with a `WWW-Authenticate` challenge (RFC 6750 §3) and a stable reason.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../context.ts';
import { bearerTokenOf, sessionIdOf } from '../credentials.ts';
import { verifyToken } from '../jwt.ts';
import { bearerChallenge, HttpError, sendJson } from '../respond.ts';
import { describeRefusal, type TokenRefusal } from '../token-reasons.ts';

export function handleProtected(ctx: AppContext, req: IncomingMessage, res: ServerResponse): void {
  const bearer = bearerTokenOf(req);
  if (bearer.kind === 'bearer') {
    const result = verifyToken(bearer.token, ctx.key, 'access', ctx.authNow());
    if (!result.ok) throw refuseToken(ctx, result.reason);
    if (!ctx.families.isLive(result.claims.fid)) throw refuseToken(ctx, 'revoked');
    sendJson(res, 200, { user: result.claims.sub, auth: 'token' });
    return;
  }
  if (bearer.kind === 'malformed') throw refuseToken(ctx, 'malformed');
  const sessionId = sessionIdOf(req);
  if (sessionId !== null) {
    const lookup = ctx.sessions.touch(sessionId, ctx.authNow());
    if (!lookup.ok) {
      ctx.stats.recordUnauthorized(lookup.reason);
      throw new HttpError(401, 'invalid_session', sessionMessage(lookup.reason), {
        reason: lookup.reason,
        headers: { 'www-authenticate': bearerChallenge() },
      });
    }
    sendJson(res, 200, { user: lookup.session.username, auth: 'session' });
    return;
  }
  ctx.stats.recordUnauthorized('missing');
  // No `error` attribute: the request carried no credential at all (RFC 6750 §3.1).
  throw new HttpError(
    401,
    'missing_credentials',
    'request is not authenticated; reason: expected a Bearer token or a session cookie, got neither',
    { reason: 'missing', headers: { 'www-authenticate': bearerChallenge() } },
  );
}

function refuseToken(ctx: AppContext, reason: TokenRefusal): HttpError {
  ctx.stats.recordUnauthorized(reason);
  return new HttpError(
    401,
    'invalid_token',
    `access token refused; reason: expected a valid access token, got ${describeRefusal(reason, 'access')}`,
    { reason, headers: { 'www-authenticate': bearerChallenge('invalid_token', reason) } },
  );
}

function sessionMessage(reason: 'session_expired' | 'unknown_session'): string {
  return reason === 'session_expired'
    ? 'session refused; reason: expected a live session, got one past its idle or absolute lifetime'
    : 'session refused; reason: expected a live session, got an unknown or ended one';
}
