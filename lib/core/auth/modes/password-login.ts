/**
 * The login walk of the three built-in modes: the CSRF step when the profile has one (a GET that
 * yields the anti-CSRF token), then the credentials POST, whose answer each mode reads its own way.
 */
import type { ResponseView } from '../../http-types.ts';
import type { Credentials, TargetProfile } from '../profile.ts';
import { buildCsrfRequest, buildLoginRequest } from '../requests.ts';
import { extractCsrfToken, oauthError } from '../responses.ts';
import type { LoginRequestStep, LoginStep, LoginWalk, StepFailure } from './mode-plugin.ts';

/** Requests a password login sends: the CSRF page when the profile has one, and the login. */
export function passwordLoginRequests(profile: TargetProfile): number {
  return profile.csrf === null ? 1 : 2;
}

/** The first request: the CSRF page, or straight the login. */
export function startPasswordLogin(
  profile: TargetProfile,
  credentials: Credentials,
): LoginRequestStep {
  if (profile.csrf !== null) {
    const step: LoginRequestStep = {
      kind: 'send',
      request: buildCsrfRequest(profile),
      walk: { step: 'csrf', carry: {} },
    };
    // An HTML token is read from the page k6's parser reads: a hidden input or a meta tag.
    if (profile.csrf.from === 'html') step.readPage = {};
    return step;
  }
  return loginRequestStep(profile, credentials, undefined);
}

/** After the CSRF page: the login with its token; after the login: `readAnswer`'s verdict. */
export function continuePasswordLogin(
  profile: TargetProfile,
  credentials: Credentials,
  walk: LoginWalk,
  res: ResponseView,
  readAnswer: (profile: TargetProfile, res: ResponseView) => LoginStep,
): LoginStep {
  if (walk.step !== 'csrf') return readAnswer(profile, res);
  const { csrf } = profile;
  const csrfToken = extractCsrfToken(profile, res);
  if (csrf === null || csrfToken !== undefined) {
    return loginRequestStep(profile, credentials, csrfToken);
  }
  return {
    kind: 'failed',
    reason: `no CSRF token; reason: expected ${csrf.from} "${csrf.name}" in the CSRF response, got none (status ${res.status})`,
  };
}

/** A refused login: the answer's OAuth error code when it has one, and why when the status does not say. */
export function refusedBy(res: ResponseView, reason?: string): StepFailure {
  const failure: StepFailure = { kind: 'failed' };
  const errorCode = oauthError(res);
  if (errorCode !== undefined) failure.errorCode = errorCode;
  if (reason !== undefined) failure.reason = reason;
  return failure;
}

function loginRequestStep(
  profile: TargetProfile,
  credentials: Credentials,
  csrfToken: string | undefined,
): LoginRequestStep {
  return {
    kind: 'send',
    request: buildLoginRequest(profile, credentials, csrfToken),
    walk: { step: 'login', carry: {} },
  };
}
