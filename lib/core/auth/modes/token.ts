/**
 * Token mode: a JSON login that answers a bearer token (RFC 6750), sent on
 * every request. Nothing to refresh with: renewal before expiry is a new login.
 */
import { buildLogoutRequest } from '../requests.ts';
import { isExpiredRejection } from '../responses.ts';
import type { AuthModePlugin } from './mode-plugin.ts';
import { passwordLoginRequests, startPasswordLogin } from './password-login.ts';
import { continueTokenLogin, readAccessTokenTimes, withAccessToken } from './token-answers.ts';

export const plugin: AuthModePlugin = {
  mode: 'token',
  policy: { renewBy: 'login', freshJarPerLogin: false },
  usesAccounts: true,
  maxLoginRequests: passwordLoginRequests,
  startLogin: startPasswordLogin,
  continueLogin: continueTokenLogin,
  applyCredentials: withAccessToken,
  isRejection: isExpiredRejection,
  // The bearer token names the grant the server revokes (server/routes/logout.ts).
  buildLogout: buildLogoutRequest,
  readJwtTimes: readAccessTokenTimes,
};
