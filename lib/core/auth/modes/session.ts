/**
 * Session mode: a form or JSON login whose session cookie lives in the
 * VU's cookie jar. Nothing to add to requests (the jar carries the cookie); renewal is a new login
 * from an empty jar, shortly before the session cookie's `Max-Age`/`Expires` (or a known idle
 * timeout) ends it, or once a 401/403 or a redirect to the login page says it ended.
 */
import type { ResponseView } from '../../http-types.ts';
import { findSessionCookie } from '../cookie-expiry.ts';
import type { TargetProfile } from '../profile.ts';
import { buildLogoutRequest } from '../requests.ts';
import { isExpiredRejection, loginShortfall } from '../responses.ts';
import type { AuthModePlugin, LoginStep } from './mode-plugin.ts';
import {
  continuePasswordLogin,
  passwordLoginRequests,
  refusedBy,
  startPasswordLogin,
} from './password-login.ts';

export const plugin: AuthModePlugin = {
  mode: 'session',
  policy: { renewBy: 'login', freshJarPerLogin: true },
  usesAccounts: true,
  maxLoginRequests: passwordLoginRequests,
  startLogin: startPasswordLogin,
  continueLogin: (profile, credentials, walk, res) =>
    continuePasswordLogin(profile, credentials, walk, res, readSessionLogin),
  applyCredentials: (_profile, _held, headers) => ({ ...headers }),
  isRejection: isExpiredRejection,
  // The jar sends the session cookie; the server ends that session (server/routes/logout.ts).
  buildLogout: (profile) => buildLogoutRequest(profile, {}),
};

/**
 * Logged in when the status is a success one and the session cookie was set; the answer tells
 * when the session ends, as far as its cookie and the profile know.
 */
function readSessionLogin(profile: TargetProfile, res: ResponseView): LoginStep {
  const shortfall = loginShortfall(profile, res);
  if (shortfall !== undefined) return refusedBy(res, shortfall.reason);
  const { cookieName, lifetimeSeconds } = profile.session;
  const cookie = findSessionCookie(cookieName, res);
  return cookie === undefined
    ? { kind: 'done' }
    : { kind: 'done', session: { cookie, idleSeconds: lifetimeSeconds } };
}
