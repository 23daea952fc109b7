/**
 * `POST /logout`: ends the session of the `sid` cookie, or revokes the refresh family of a
 * Bearer token (access or refresh) or of a body `refreshToken`. The old credentials are refused
 * from then on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fieldOf, readParsedBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { bearerTokenOf, sessionIdOf } from '../credentials.ts';
import { verifyToken } from '../jwt.ts';
import { bearerChallenge, HttpError, sendJson } from '../respond.ts';
import { SESSION_COOKIE } from '../sessions.ts';
import { describeRefusal, type TokenRefusal } from '../token-reasons.ts';

export async function handleLogout(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const bearer = bearerTokenOf(req);
  if (bearer.kind === 'malformed') throw refuse('malformed');
  let token = bearer.kind === 'bearer' ? bearer.token : null;
  if (token === null) {
    const body = await readParsedBody(req);
    const fromBody = fieldOf(body, 'refreshToken') ?? fieldOf(body, 'refresh_token');
    if (typeof fromBody === 'string' && fromBody.length > 0) token = fromBody;
  }
  if (token !== null) {
    const nowMs = ctx.authNow();
    let result = verifyToken(token, ctx.key, 'refresh', nowMs);
    if (!result.ok && result.reason === 'wrong_type') {
      result = verifyToken(token, ctx.key, 'access', nowMs);
    }
    if (!result.ok) throw refuse(result.reason);
    if (!ctx.families.revoke(result.claims.fid)) throw refuse('revoked');
    ctx.log.debug('token logout', { user: result.claims.sub });
    sendJson(res, 200, { loggedOut: true });
    return;
  }
  const sessionId = sessionIdOf(req);
  if (sessionId !== null) {
    if (!ctx.sessions.delete(sessionId)) {
      throw new HttpError(
        401,
        'invalid_session',
        'logout refused; reason: expected a live session, got an unknown or ended one',
        { reason: 'unknown_session', headers: { 'www-authenticate': bearerChallenge() } },
      );
    }
    const expired = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    sendJson(res, 200, { loggedOut: true }, { 'set-cookie': expired });
    return;
  }
  throw new HttpError(
    401,
    'missing_credentials',
    'logout refused; reason: expected a session cookie or a token, got neither',
    { reason: 'missing', headers: { 'www-authenticate': bearerChallenge() } },
  );
}

function refuse(reason: TokenRefusal): HttpError {
  return new HttpError(
    401,
    'invalid_token',
    `logout refused; reason: expected a valid token, got ${describeRefusal(reason, 'refresh')}`,
    { reason, headers: { 'www-authenticate': bearerChallenge('invalid_token', reason) } },
  );
}
