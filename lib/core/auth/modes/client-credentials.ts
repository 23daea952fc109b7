/**
 * Client-credentials mode (RFC 6749 §4.4): a service logs in as itself, with no user account.
 * The login is one token request with the client's authentication, `scope`, and Auth0's
 * `audience` or RFC 8707's `resource`; no refresh token is issued (§4.4.3), so renewal before
 * expiry is the same request again.
 */
import { ERROR_CODES } from '../../errors.ts';
import type { TargetProfile } from '../profile.ts';
import { buildTokenRequest } from '../requests.ts';
import { isExpiredRejection } from '../responses.ts';
import type { AuthModePlugin, LoginRequestStep, StepFailure } from './mode-plugin.ts';
import { readAccessTokenTimes, readTokenAnswer, withAccessToken } from './token-answers.ts';

export const plugin: AuthModePlugin = {
  mode: 'client-credentials',
  policy: { renewBy: 'login', freshJarPerLogin: false },
  usesAccounts: false,
  maxLoginRequests: () => 1,
  startLogin: buildClientCredentialsRequest,
  continueLogin: (profile, _credentials, _walk, res) => readTokenAnswer(profile, res),
  applyCredentials: withAccessToken,
  isRejection: isExpiredRejection,
  readJwtTimes: readAccessTokenTimes,
};

function buildClientCredentialsRequest(profile: TargetProfile): LoginRequestStep | StepFailure {
  const { tokenUrl, scope, audience, resource } = profile.oauth;
  if (tokenUrl === null) {
    return {
      kind: 'failed',
      errorCode: ERROR_CODES.OIDC_ENDPOINT_MISSING,
      reason:
        'Cannot request a client-credentials token; reason: expected oauth.tokenUrl from the profile or discovery, got nothing',
    };
  }
  const fields: Record<string, string> = { grant_type: 'client_credentials' };
  if (scope !== '') fields.scope = scope;
  if (audience !== null) fields.audience = audience;
  if (resource !== null) fields.resource = resource;
  const request = buildTokenRequest(profile, 'token', tokenUrl, fields);
  return { kind: 'send', request, walk: { step: 'token', carry: {} } };
}
