/**
 * Authorization-code mode (RFC 6749 §4.1 with PKCE S256, RFC 7636; OpenID Connect Core §3.1): a
 * VU logs in the way a person does, through the identity provider's own pages, without a browser.
 *
 * The walk: the authorization request (with `state`, the PKCE challenge, and a `nonce` when
 * `openid` is in scope) → redirects on allowed origins → the login form, submitted with its
 * hidden inputs and the account filled in → a consent form, when one comes → the redirect to
 * `redirectUri`, which is never requested: its `code` and `state` are read from the Location →
 * the token request with the verifier. Then the tokens behave as in dual mode: refresh before
 * expiry with rotation, one refresh on a 401, a new walk when refresh is refused. The provider's
 * own cookies (its SSO session) stay in the VU's jar, so a later walk may skip the form.
 */
import { ERROR_CODES } from '../../errors.ts';
import type { HtmlForm, RequestSpec, ResponseView } from '../../http-types.ts';
import {
  findConsentForm,
  findIdentifierForm,
  findLoginForm,
  pageSelectors,
  passwordField,
  submitForm,
  userNameField,
} from '../oidc/forms.ts';
import { createPkce } from '../oidc/pkce.ts';
import {
  encodeForm,
  originOf,
  pathOf,
  queryParams,
  resolveUrl,
  withoutQuery,
} from '../oidc/urls.ts';
import type { Credentials, TargetProfile } from '../profile.ts';
import { buildTokenRequest } from '../requests.ts';
import { isExpiredRejection, oauthError } from '../responses.ts';
import type {
  AuthModePlugin,
  LoginRequestStep,
  LoginStep,
  LoginWalk,
  StepFailure,
  WalkTools,
} from './mode-plugin.ts';
import {
  readAccessTokenTimes,
  readTokenAnswer,
  readTokenRefresh,
  withAccessToken,
} from './token-answers.ts';

export const plugin: AuthModePlugin = {
  mode: 'authorization-code',
  policy: { renewBy: 'refresh', freshJarPerLogin: false },
  usesAccounts: true,
  maxLoginRequests: (profile) => profile.oauth.maxRequests,
  startLogin: startAuthorization,
  continueLogin: continueAuthorization,
  applyCredentials: withAccessToken,
  isRejection: isExpiredRejection,
  buildRenewal: (profile, held) =>
    held.refreshToken === undefined
      ? undefined
      : buildTokenRequest(profile, 'refresh', endpointUrl(profile, 'tokenUrl'), {
          grant_type: 'refresh_token',
          refresh_token: held.refreshToken,
        }),
  readRenewal: readTokenRefresh,
  // Revokes the refresh token (RFC 7009), which ends the grant, when the provider has revocation.
  buildLogout: (profile, held) =>
    profile.oauth.revocationUrl === null || held.refreshToken === undefined
      ? undefined
      : buildTokenRequest(profile, 'logout', profile.oauth.revocationUrl, {
          token: held.refreshToken,
          token_type_hint: 'refresh_token',
        }),
  readJwtTimes: readAccessTokenTimes,
};

/** Bytes of randomness in `state` and `nonce`: 128 bits, unguessable (RFC 6749 §10.10). */
const STATE_BYTES = 16;

function startAuthorization(
  profile: TargetProfile,
  _credentials: Credentials,
  tools: WalkTools,
): LoginRequestStep | StepFailure {
  const { oauth, clientAuth } = profile;
  const missing =
    missingEndpoint(profile, 'redirectUri') ?? missingEndpoint(profile, 'authorizationUrl');
  if (missing !== undefined) return missing;
  const pkce = createPkce(tools);
  const carry: Record<string, string> = {
    state: tools.randomUrlSafe(STATE_BYTES),
    verifier: pkce.verifier,
  };
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: clientAuth.clientId,
    redirect_uri: endpointUrl(profile, 'redirectUri'),
    state: carry.state as string,
    code_challenge: pkce.challenge,
    code_challenge_method: pkce.method,
  };
  // §3.3: a scope is one or more tokens; an empty `scope=` is invalid, so none is sent.
  if (oauth.scope !== '') params.scope = oauth.scope;
  if (oauth.scope.split(' ').includes('openid')) {
    carry.nonce = tools.randomUrlSafe(STATE_BYTES);
    params.nonce = carry.nonce;
  }
  if (oauth.audience !== null) params.audience = oauth.audience;
  if (oauth.resource !== null) params.resource = oauth.resource;
  const base = endpointUrl(profile, 'authorizationUrl');
  const url = `${base}${base.includes('?') ? '&' : '?'}${encodeForm(params)}`;
  return pageStep(profile, 'authorize', { method: 'GET', url }, carry);
}

/**
 * One answer of the walk. `carry.url` is the URL just requested (relative redirects and form
 * actions resolve against it); `carry.login` / `carry.consent` say a form was already sent.
 */
function continueAuthorization(
  profile: TargetProfile,
  credentials: Credentials,
  walk: LoginWalk,
  res: ResponseView,
  tools: WalkTools,
): LoginStep {
  if (walk.step === 'token') return readTokens(profile, walk, res, tools);
  const at = `${walk.step} (${pathOf(walk.carry.url ?? '')})`;
  if (res.status >= 300 && res.status <= 399) return followRedirect(profile, walk, res, at);
  const page = res.page;
  const loginForm = page && findLoginForm(profile, page);
  if (loginForm !== undefined && walk.carry.login !== undefined) {
    // Shown again after the password (200 at Keycloak or oidc-provider, 401 at Dex): the provider
    // refused the account. Both statuses class as refused, so the account is never retried.
    return {
      kind: 'failed',
      errorCode: 'login_refused',
      reason: `login refused at ${at}; reason: expected the provider to accept the account, got its login form again (wrong user name or password, or a locked account)`,
    };
  }
  if (res.status < 200 || res.status > 299) {
    return failed(
      `unexpected answer at ${at}; reason: expected a page or a redirect, got status ${res.status === 0 ? '0 (no response)' : res.status}`,
      res,
    );
  }
  if (loginForm !== undefined) return submitLogin(profile, credentials, walk, loginForm);
  const identifier =
    page && walk.carry.login === undefined && walk.carry.identifier === undefined
      ? findIdentifierForm(profile, page)
      : undefined;
  if (identifier !== undefined) {
    // Identifier first (Auth0, Okta, Entra ID, Keycloak's option): the user name alone, then a
    // page with the password.
    const sent = submitForm(identifier.form, walk.carry.url ?? '', {
      [identifier.field]: credentials.username,
    });
    return pageStep(
      profile,
      'login',
      { method: sent.method, url: sent.url, body: sent.entries },
      { ...walk.carry, identifier: '1' },
    );
  }
  const consent = page && findConsentForm(profile, page);
  if (consent !== undefined) {
    if (profile.oauth.consent === 'fail' || walk.carry.consent !== undefined) {
      const why =
        walk.carry.consent !== undefined
          ? 'got it again after approving'
          : 'got one and oauth.consent is "fail"';
      return {
        kind: 'failed',
        reason: `consent not given at ${at}; reason: expected no consent page, ${why}`,
      };
    }
    const sent = submitForm(consent.form, walk.carry.url ?? '', {}, consent.submitter);
    return pageStep(
      profile,
      'consent',
      { method: sent.method, url: sent.url, body: sent.entries },
      { ...walk.carry, consent: '1' },
    );
  }
  const forms =
    page === undefined
      ? 'a body that is not HTML'
      : `${page.forms.length} form(s), none with a password input${profile.oauth.loginForm === null ? '' : ` or matching oauth.loginForm`} or an approving button`;
  return {
    kind: 'failed',
    reason: `no login form at ${at}; reason: expected a login or consent form, got ${forms}`,
  };
}

function submitLogin(
  profile: TargetProfile,
  credentials: Credentials,
  walk: LoginWalk,
  form: HtmlForm,
): LoginStep {
  const user = userNameField(profile, form);
  const password = passwordField(profile, form);
  if (user === undefined || password === undefined) {
    return {
      kind: 'failed',
      reason: `unusable login form at ${walk.step} (${pathOf(walk.carry.url ?? '')}); reason: expected a user name and a password input, got ${user === undefined ? 'no user name input' : 'no password input'}`,
    };
  }
  const sent = submitForm(form, walk.carry.url ?? '', {
    [user]: credentials.username,
    [password]: credentials.password,
  });
  return pageStep(
    profile,
    'login',
    { method: sent.method, url: sent.url, body: sent.entries },
    { ...walk.carry, login: '1' },
  );
}

/** A redirect: the code at `redirectUri`, or the next page on an allowed origin. */
function followRedirect(
  profile: TargetProfile,
  walk: LoginWalk,
  res: ResponseView,
  at: string,
): LoginStep {
  const location = res.headers.location;
  if (location === undefined || location === '') {
    return {
      kind: 'failed',
      reason: `redirect without a Location at ${at}; reason: expected a Location header, got none`,
    };
  }
  const next = resolveUrl(walk.carry.url ?? '', location);
  if (withoutQuery(next) === withoutQuery(endpointUrl(profile, 'redirectUri'))) {
    return exchangeCode(profile, walk, next, at);
  }
  const origin = originOf(next);
  const allowed = allowedOrigins(profile);
  if (origin === undefined || !allowed.includes(origin)) {
    return {
      kind: 'failed',
      reason: `redirect off the allowed origins at ${at}; reason: expected one of ${allowed.join(', ')} (oauth.allowedOrigins adds more), got ${origin ?? 'a URL that is not http(s)'}`,
    };
  }
  return pageStep(profile, 'authorize', { method: 'GET', url: next }, walk.carry);
}

/** The redirect to `redirectUri`: its `state` checked (RFC 6749 §10.12), then the token request. */
function exchangeCode(
  profile: TargetProfile,
  walk: LoginWalk,
  callback: string,
  at: string,
): LoginStep {
  const params = queryParams(callback);
  if (params.error !== undefined) {
    const code = /^[A-Za-z0-9_.-]{1,64}$/.test(params.error) ? params.error : 'unreadable';
    return {
      kind: 'failed',
      errorCode: code,
      reason: `authorization refused at ${at}; reason: expected a code, got error "${code}" (RFC 6749 §4.1.2.1)`,
    };
  }
  if (params.state !== walk.carry.state) {
    return {
      kind: 'failed',
      reason: `state mismatch at ${at}; reason: expected the redirect to carry the state sent with the authorization request, got ${params.state === undefined ? 'none' : 'another one'}`,
    };
  }
  const { issuer } = profile.oauth;
  if (params.iss !== undefined && issuer !== null && params.iss !== issuer) {
    return {
      kind: 'failed',
      reason: `issuer mismatch at ${at}; reason: expected "iss" ${issuer} (RFC 9207), got another issuer`,
    };
  }
  if (params.code === undefined || params.code === '') {
    return {
      kind: 'failed',
      reason: `no code at ${at}; reason: expected a "code" parameter in the redirect, got none`,
    };
  }
  const missing = missingEndpoint(profile, 'tokenUrl');
  if (missing !== undefined) return missing;
  const request = buildTokenRequest(profile, 'token', endpointUrl(profile, 'tokenUrl'), {
    grant_type: 'authorization_code',
    code: params.code,
    redirect_uri: endpointUrl(profile, 'redirectUri'),
    code_verifier: walk.carry.verifier ?? '',
  });
  return {
    kind: 'send',
    request,
    walk: { step: 'token', carry: { ...walk.carry, url: request.url } },
  };
}

/** The token answer (RFC 6749 §4.1.4), and the ID token's `nonce` when one was sent. */
function readTokens(
  profile: TargetProfile,
  walk: LoginWalk,
  res: ResponseView,
  tools: WalkTools,
): LoginStep {
  const answer = readTokenAnswer(profile, res);
  const { nonce } = walk.carry;
  if (answer.kind !== 'done' || nonce === undefined) return answer;
  const got = idTokenNonce(res.body, tools);
  if (got === nonce) return answer;
  return {
    kind: 'failed',
    reason: `ID token rejected at token; reason: expected its "nonce" to be the one sent (OpenID Connect Core §3.1.3.7), got ${got === undefined ? 'no ID token or no nonce' : 'another one'}`,
  };
}

function idTokenNonce(body: string, tools: WalkTools): string | undefined {
  try {
    const idToken: unknown = JSON.parse(body).id_token;
    if (typeof idToken !== 'string') return undefined;
    const claims: unknown = JSON.parse(tools.decode(idToken.split('.')[1] ?? ''));
    const nonce = (claims as { nonce?: unknown } | null)?.nonce;
    return typeof nonce === 'string' ? nonce : undefined;
  } catch {
    return undefined;
  }
}

/** A request of the walk whose answer is read as a page (forms, and the configured selectors). */
function pageStep(
  profile: TargetProfile,
  step: 'authorize' | 'login' | 'consent',
  target: { method: 'GET' | 'POST'; url: string; body?: [string, string][] },
  carry: Record<string, string>,
): LoginRequestStep {
  const request: RequestSpec = {
    endpoint: step,
    method: target.method,
    url: target.url,
    headers: { Accept: 'text/html' },
    followRedirects: false,
  };
  if (target.body !== undefined) {
    if (target.method === 'GET') {
      request.url = `${withoutQuery(target.url)}?${encodeForm(target.body)}`;
    } else {
      request.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      request.body = encodeForm(target.body);
    }
  }
  return {
    kind: 'send',
    request,
    walk: { step, carry: { ...carry, url: request.url } },
    readPage: pageSelectors(profile),
  };
}

/** The origins the walk may be redirected to: the issuer's, the endpoints', and the configured. */
function allowedOrigins(profile: TargetProfile): string[] {
  const { issuer, authorizationUrl, tokenUrl, allowedOrigins: extra } = profile.oauth;
  const origins = [issuer, authorizationUrl, tokenUrl, ...extra].flatMap((url) => {
    const origin = url === null ? undefined : originOf(url);
    return origin === undefined ? [] : [origin];
  });
  return [...new Set(origins)];
}

type EndpointKey = 'authorizationUrl' | 'tokenUrl' | 'redirectUri';

/**
 * The walk's failure when the profile lacks an endpoint. The walk checks each before the step
 * that first needs it (`startAuthorization`, `exchangeCode`), so later uses (`endpointUrl`) find
 * them set: a refresh needs the token endpoint, which the login's code exchange had.
 */
function missingEndpoint(profile: TargetProfile, key: EndpointKey): StepFailure | undefined {
  if (profile.oauth[key] !== null) return undefined;
  return {
    kind: 'failed',
    errorCode: ERROR_CODES.OIDC_ENDPOINT_MISSING,
    reason: `Cannot walk the authorization-code login; reason: expected oauth.${key} from the profile or discovery, got nothing`,
  };
}

/** An endpoint `missingEndpoint` found set before the step that uses it. */
function endpointUrl(profile: TargetProfile, key: EndpointKey): string {
  return profile.oauth[key] ?? '';
}

function failed(reason: string, res: ResponseView): StepFailure {
  const errorCode = oauthError(res);
  return errorCode === undefined
    ? { kind: 'failed', reason }
    : { kind: 'failed', reason, errorCode };
}
