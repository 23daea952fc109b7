/**
 * OpenID Connect Discovery 1.0: the provider's endpoints from
 * `<issuer>/.well-known/openid-configuration`, read once per test (in `setup()`) and checked:
 * the document's `issuer` must be identical to the one configured (§4.3), and every endpoint the
 * run uses (authorization, token, revocation) must be an http(s) URL; the others are not read.
 */
import type { RequestSpec, ResponseView } from '../../http-types.ts';
import { describeType, isPlainObject } from '../../value-types.ts';
import type { TargetProfile } from '../profile.ts';

/** The endpoints a run uses, as discovery found them (absent: the provider has none). */
export interface DiscoveredEndpoints {
  authorizationUrl?: string;
  tokenUrl: string;
  revocationUrl?: string;
}

export type DiscoveryResult =
  | { ok: true; endpoints: DiscoveredEndpoints }
  | { ok: false; reason: string };

/** §4: a terminating "/" of the issuer is removed before the well-known path is appended. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** Does the run still need discovery: an issuer, and an endpoint its mode needs left unset? */
export function needsDiscovery(profile: TargetProfile): boolean {
  const { issuer, authorizationUrl, tokenUrl } = profile.oauth;
  // Only the identity-provider modes use these endpoints; an OIDC_ISSUER left in the environment
  // of a session, token or dual run must not send (or abort on) a discovery request.
  if (issuer === null) return false;
  if (profile.mode !== 'authorization-code' && profile.mode !== 'client-credentials') return false;
  return tokenUrl === null || (profile.mode === 'authorization-code' && authorizationUrl === null);
}

export function buildDiscoveryRequest(issuer: string): RequestSpec {
  return {
    endpoint: 'discovery',
    method: 'GET',
    url: discoveryUrl(issuer),
    headers: { Accept: 'application/json' },
    followRedirects: false,
  };
}

const FIELDS: ReadonlyArray<[keyof DiscoveredEndpoints, string]> = [
  ['authorizationUrl', 'authorization_endpoint'],
  ['tokenUrl', 'token_endpoint'],
  ['revocationUrl', 'revocation_endpoint'],
];

/**
 * Reads the discovery answer; the reason names what was expected and what came.
 * `needsAuthorization`: the run walks the authorization-code flow.
 */
export function readDiscovery(
  issuer: string,
  res: ResponseView,
  needsAuthorization: boolean,
): DiscoveryResult {
  const fail = (reason: string): DiscoveryResult => ({ ok: false, reason });
  if (res.status !== 200) {
    return fail(
      `expected status 200, got ${res.status === 0 ? 'no response' : `status ${res.status}`}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(res.body);
  } catch {
    return fail('expected a JSON object, got a body that is not JSON');
  }
  if (!isPlainObject(doc)) return fail(`expected a JSON object, got ${describeType(doc)}`);
  if (doc.issuer !== issuer) {
    const got = typeof doc.issuer === 'string' ? `"${doc.issuer}"` : describeType(doc.issuer);
    return fail(
      `expected "issuer" identical to "${issuer}" (OpenID Connect Discovery §4.3), got ${got}`,
    );
  }
  const found: Partial<DiscoveredEndpoints> = {};
  for (const [key, field] of FIELDS) {
    const value = doc[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^https?:\/\/[^/\s?#]+/i.test(value)) {
      return fail(`expected "${field}" to be an http(s) URL, got ${describeType(value)}`);
    }
    found[key] = value;
  }
  if (found.tokenUrl === undefined) return fail('expected a "token_endpoint", got none');
  if (needsAuthorization && found.authorizationUrl === undefined) {
    return fail('expected an "authorization_endpoint", got none');
  }
  return { ok: true, endpoints: found as DiscoveredEndpoints };
}

/** The profile with every endpoint it left unset taken from discovery. */
export function withEndpoints(profile: TargetProfile, found: DiscoveredEndpoints): TargetProfile {
  const { oauth } = profile;
  return {
    ...profile,
    oauth: {
      ...oauth,
      authorizationUrl: oauth.authorizationUrl ?? found.authorizationUrl ?? null,
      tokenUrl: oauth.tokenUrl ?? found.tokenUrl,
      revocationUrl: oauth.revocationUrl ?? found.revocationUrl ?? null,
    },
  };
}
