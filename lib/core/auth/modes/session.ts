/**
 * Session mode: a form or JSON login whose session cookie lives in the
 * VU's cookie jar. Nothing to add to requests (the jar carries the cookie); renewal is a new login
 * from an empty jar; a 401/403 or a redirect to the login page means the session ended.
 */
import type { ResponseView } from '../../http-types.ts';
import type { TargetProfile } from '../profile.ts';
import { buildLogoutRequest } from '../requests.ts';
import { isExpiredRejection, isLoginSuccess } from '../responses.ts';
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

/** Logged in when the status is a success one and the session cookie was set. */
function readSessionLogin(profile: TargetProfile, res: ResponseView): LoginStep {
  return isLoginSuccess(profile, res) ? { kind: 'done' } : refusedBy(res);
}
