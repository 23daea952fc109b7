/**
 * `POST /login`: a form body starts a session (the `sid` cookie), a JSON body answers a token pair.
 * Wrong username and wrong password give the same 401.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readParsedBody, requireField } from '../body.ts';
import type { AppContext } from '../context.ts';
import { sessionIdOf } from '../credentials.ts';
import { issueTokenPair } from '../issue-tokens.ts';
import { bearerChallenge, HttpError, sendJson } from '../respond.ts';
import { SESSION_COOKIE } from '../sessions.ts';

export async function handleLogin(
  ctx: AppContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readParsedBody(req);
  if (body.kind === 'none') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'login body is missing; reason: expected a form or JSON body with username and password, got none',
    );
  }
  const username = requireField(body, 'username');
  const password = requireField(body, 'password');
  if (!(await ctx.users.verifyPassword(username, password))) {
    ctx.stats.recordLoginFailure(username);
    throw new HttpError(
      401,
      'invalid_credentials',
      'login refused; reason: expected a known username and its password, got another pair',
      { headers: { 'www-authenticate': bearerChallenge() } },
    );
  }
  const nowMs = ctx.authNow();
  ctx.stats.recordLogin(username);
  if (body.kind === 'form') {
    // No session fixation: a session id the client brings is ended, never reused (OWASP).
    const previous = sessionIdOf(req);
    if (previous !== null) ctx.sessions.delete(previous);
    const id = ctx.sessions.create(username, nowMs);
    // No `Secure`: the server speaks plain HTTP on loopback; behind TLS a real API must add it.
    // `Max-Age` is the session's absolute lifetime (RFC 6265 §5.2.2); its idle timeout is not in
    // the cookie, as with most session servers.
    const maxAge = ctx.config.sessionMaxTtlSeconds;
    const cookie = `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
    ctx.log.debug('session login', { user: username });
    sendJson(res, 200, { user: username, auth: 'session' }, { 'set-cookie': cookie });
    return;
  }
  const fid = randomUUID();
  const issued = issueTokenPair(username, fid, nowMs, ctx.key, ctx.config);
  ctx.families.start(fid, issued, nowMs, username);
  ctx.log.debug('token login', { user: username });
  sendJson(res, 200, issued.answer);
}
