/**
 * What token and dual mode share: reading a token answer (RFC 6749 §5.1), sending the access
 * token (RFC 6750 §2.1), and reading its JWT times when the answer gives no `expires_in`.
 */
import type { ResponseView } from '../../http-types.ts';
import { type Base64UrlDecoder, type JwtTimes, readJwtTimes } from '../jwt.ts';
import type { Credentials, TargetProfile } from '../profile.ts';
import { buildProtectedRequest } from '../requests.ts';
import { loginShortfall, parseTokenResponse } from '../responses.ts';
import type { HeldCredentials, LoginStep, LoginWalk, RenewalAnswer } from './mode-plugin.ts';
import { continuePasswordLogin, refusedBy } from './password-login.ts';

/** The password login walk of token and dual mode: its last answer carries the tokens. */
export function continueTokenLogin(
  profile: TargetProfile,
  credentials: Credentials,
  walk: LoginWalk,
  res: ResponseView,
): LoginStep {
  return continuePasswordLogin(profile, credentials, walk, res, readTokenAnswer);
}

/** A token answer to a login: done with its tokens, refused, or unreadable (with the reason). */
export function readTokenAnswer(profile: TargetProfile, res: ResponseView): LoginStep {
  const shortfall = loginShortfall(profile, res);
  if (shortfall !== undefined) return refusedBy(res, shortfall.reason);
  const parsed = parseTokenResponse(profile, res);
  if (!parsed.ok)
    return { kind: 'failed', reason: `unreadable login answer; reason: ${parsed.reason}` };
  return { kind: 'done', tokens: parsed.tokens };
}

/** A refresh answer (RFC 6749 §6): 2xx with tokens; anything else is a failure. */
export function readTokenRefresh(profile: TargetProfile, res: ResponseView): RenewalAnswer {
  if (res.status < 200 || res.status > 299) return refusedBy(res);
  const parsed = parseTokenResponse(profile, res);
  if (!parsed.ok) {
    return { kind: 'failed', reason: `unreadable refresh answer; reason: ${parsed.reason}` };
  }
  return { kind: 'done', tokens: parsed.tokens };
}

/** `headers` plus the access token in the profile's header (RFC 6750 §2.1 by default). */
export function withAccessToken(
  profile: TargetProfile,
  held: HeldCredentials,
  headers: Record<string, string>,
): Record<string, string> {
  return { ...headers, ...buildProtectedRequest(profile, held.accessToken).headers };
}

/** The JWT's `exp` and `iat`, or undefined for an opaque token or one without `exp`. */
export function readAccessTokenTimes(
  accessToken: string,
  decode: Base64UrlDecoder,
): JwtTimes | undefined {
  const times = readJwtTimes(accessToken, decode);
  return times.ok ? times.times : undefined;
}
