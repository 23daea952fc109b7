/**
 * Dual mode: an access token for requests and a refresh token to renew it
 * (RFC 6749 §6), rotated on every refresh (§10.4). A refused refresh means a new login.
 */
import { buildLogoutRequest, buildRefreshRequest } from '../requests.ts';
import { isExpiredRejection } from '../responses.ts';
import type { AuthModePlugin } from './mode-plugin.ts';
import { passwordLoginRequests, startPasswordLogin } from './password-login.ts';
import {
  continueTokenLogin,
  readAccessTokenTimes,
  readTokenRefresh,
  withAccessToken,
} from './token-answers.ts';

export const plugin: AuthModePlugin = {
  mode: 'dual',
  policy: { renewBy: 'refresh', freshJarPerLogin: false },
  usesAccounts: true,
  maxLoginRequests: passwordLoginRequests,
  startLogin: startPasswordLogin,
  continueLogin: continueTokenLogin,
  applyCredentials: withAccessToken,
  isRejection: isExpiredRejection,
  buildRenewal: (profile, held) =>
    held.refreshToken === undefined ? undefined : buildRefreshRequest(profile, held.refreshToken),
  readRenewal: readTokenRefresh,
  // The access token as a Bearer, and the refresh token in the body when the profile sends it
  // there: either names the refresh family the server revokes (server/routes/logout.ts).
  buildLogout: buildLogoutRequest,
  readJwtTimes: readAccessTokenTimes,
};
