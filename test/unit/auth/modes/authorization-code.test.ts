import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { plugin as authorizationCode } from '../../../../lib/core/auth/modes/authorization-code.ts';
import type {
  LoginRequestStep,
  LoginStep,
  LoginWalk,
  WalkTools,
} from '../../../../lib/core/auth/modes/mode-plugin.ts';
import type { TargetProfile } from '../../../../lib/core/auth/profile.ts';
import { resolveProfile } from '../../../../lib/core/auth/profile-resolve.ts';
import type {
  FormField,
  HtmlForm,
  HtmlPage,
  ResponseView,
} from '../../../../lib/core/http-types.ts';
import { profileFromJson } from '../../../helpers/profiles.ts';
import { requestStep, respond, user1, walkTools } from '../../../helpers/response-views.ts';

const PROVIDER = 'http://127.0.0.1:9000';
const REDIRECT_URI = 'http://127.0.0.1:9/cb';
const BASE_ENV = {
  AUTH_MODE: 'authorization-code',
  OIDC_ISSUER: PROVIDER,
  CLIENT_ID: 'k6',
  REDIRECT_URI,
};
const SECRET = 'client-s3cret';
/** The `-e` settings `env` and the profile file's `oauth` fields beside both endpoints. */
const profileWith = (
  env: Record<string, string> = {},
  oauth: Partial<TargetProfile['oauth']> = {},
): TargetProfile =>
  profileFromJson(
    { oauth: { authorizationUrl: `${PROVIDER}/auth`, tokenUrl: `${PROVIDER}/token`, ...oauth } },
    { ...BASE_ENV, ...env },
  );
const publicClient = profileWith();
const confidential = profileWith({ CLIENT_SECRET: SECRET });

// walkTools(): the n-th random call gives n repeated bytes: PKCE verifier, then state, then nonce.
const VERIFIER = Buffer.alloc(32, 1).toString('base64url');
const STATE = Buffer.alloc(16, 2).toString('base64url');
const NONCE = Buffer.alloc(16, 3).toString('base64url');
const CODE = 'auth-code-XYZ';
const sha256Url = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

function field(name: string, type: string, value = '', extra: Partial<FormField> = {}): FormField {
  return { name, type, value, checked: true, ...extra };
}
const loginPage = (action = '/login/submit?session=s1'): HtmlPage => ({
  forms: [
    {
      action,
      method: 'post',
      roles: [],
      fields: [
        field('session', 'hidden', 'hidden-s1'),
        field('username', 'text'),
        field('password', 'password'),
        field('login', 'submit', 'Sign In'),
      ],
    },
  ],
  meta: {},
});
const consentForm: HtmlForm = {
  action: '/consent',
  method: 'post',
  roles: [],
  fields: [
    field('interaction', 'hidden', 'i1'),
    field('accept', 'submit', 'Yes'),
    field('cancel', 'submit', 'No'),
  ],
};
const consentPage: HtmlPage = { forms: [consentForm], meta: {} };

const redirect = (location: string, status = 302) => respond({ status, headers: { location } });
const showPage = (page: HtmlPage, status = 200) =>
  respond({ status, headers: { 'content-type': 'text/html' }, body: '<html>…</html>', page });
const callback = (query: string) => redirect(`${REDIRECT_URI}?${query}`);
const idToken = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const tokenAnswer = (fields: Record<string, unknown> = {}) =>
  respond({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      access_token: 'at1',
      refresh_token: 'rt1',
      expires_in: 300,
      token_type: 'Bearer',
      id_token: idToken({ iss: PROVIDER, nonce: NONCE }),
      ...fields,
    }),
  });

/** A walk in progress: its step, and the tools whose random calls it has used. */
interface Walk {
  step: LoginStep;
  tools: WalkTools;
  profile: TargetProfile;
}

function start(profile: TargetProfile = publicClient): Walk & { step: LoginRequestStep } {
  const tools = walkTools();
  return { step: requestStep(authorizationCode.startLogin(profile, user1, tools)), tools, profile };
}

function answer(walk: Walk, res: ResponseView): Walk {
  const sent = sentStep(walk);
  const step = authorizationCode.continueLogin(walk.profile, user1, sent.walk, res, walk.tools);
  return { ...walk, step };
}

function sentStep(walk: Walk): LoginRequestStep {
  assert.equal(walk.step.kind, 'send', `expected a request, got ${JSON.stringify(walk.step)}`);
  return walk.step as LoginRequestStep;
}

/** The walk up to the token request: authorize → login page → login → redirect with the code. */
function walkToToken(profile: TargetProfile = publicClient): Walk {
  const atLogin = answer(start(profile), showPage(loginPage()));
  return answer(atLogin, callback(`code=${CODE}&state=${STATE}`));
}

function reasonOf(step: LoginStep): string {
  assert.equal(step.kind, 'failed');
  return (step as { reason?: string }).reason ?? '';
}

function assertNoSecrets(text: string): void {
  for (const secret of [user1.password, CODE, STATE, VERIFIER, NONCE, SECRET]) {
    assert.ok(!text.includes(secret), `"${text}" must not contain a secret`);
  }
}

describe('the authorization-code mode plug-in', () => {
  it('renews with the refresh token, keeps the jar (the provider’s SSO session) and uses accounts', () => {
    assert.equal(authorizationCode.mode, 'authorization-code');
    assert.deepEqual(authorizationCode.policy, { renewBy: 'refresh', freshJarPerLogin: false });
    assert.equal(authorizationCode.usesAccounts, true);
  });

  it('bounds a walk by oauth.maxRequests, 12 by default', () => {
    assert.equal(authorizationCode.maxLoginRequests(publicClient), 12);
    assert.equal(authorizationCode.maxLoginRequests(profileWith({}, { maxRequests: 5 })), 5);
  });

  describe('the authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3)', () => {
    it('GETs the authorization endpoint with code, client, redirect, scope, state, PKCE and nonce', () => {
      const { step } = start();
      assert.equal(step.request.endpoint, 'authorize');
      assert.equal(step.request.method, 'GET');
      assert.equal(step.request.followRedirects, false);
      assert.equal(step.request.body, undefined);
      assert.deepEqual(step.readPage, {});
      const url = new URL(step.request.url);
      assert.equal(`${url.origin}${url.pathname}`, `${PROVIDER}/auth`);
      assert.deepEqual(Object.fromEntries(url.searchParams), {
        response_type: 'code',
        client_id: 'k6',
        redirect_uri: REDIRECT_URI,
        scope: 'openid offline_access',
        state: STATE,
        code_challenge: sha256Url(VERIFIER),
        code_challenge_method: 'S256',
        nonce: NONCE,
      });
    });

    it('sends no nonce without openid in scope (OpenID Connect Core §3.1.2.1)', () => {
      const { step } = start(profileWith({ SCOPE: 'api offline_access' }));
      const params = new URL(step.request.url).searchParams;
      assert.equal(params.get('scope'), 'api offline_access');
      assert.equal(params.has('nonce'), false);
      assert.equal(step.walk.carry.nonce, undefined);
    });

    it('sends no empty scope, which RFC 6749 §3.3 does not allow', () => {
      const profile = profileFromJson(
        { mode: 'authorization-code', oauth: { scope: '', authorizationUrl: `${PROVIDER}/auth` } },
        { OIDC_ISSUER: PROVIDER, CLIENT_ID: 'k6', REDIRECT_URI },
      );
      const { step } = start(profile);
      const params = new URL(step.request.url).searchParams;
      assert.equal(params.has('scope'), false);
      assert.equal(params.has('nonce'), false);
      assert.equal(params.get('response_type'), 'code');
    });

    it('sends audience and resource only when set', () => {
      const plain = new URL(start().step.request.url).searchParams;
      assert.equal(plain.has('audience'), false);
      assert.equal(plain.has('resource'), false);
      const profile = profileWith({}, { audience: 'https://api.example', resource: 'urn:api' });
      const params = new URL(start(profile).step.request.url).searchParams;
      assert.equal(params.get('audience'), 'https://api.example');
      assert.equal(params.get('resource'), 'urn:api');
    });

    it('keeps the query a discovered authorization endpoint already has (Azure AD B2C’s ?p=)', () => {
      const withQuery = {
        ...publicClient,
        oauth: { ...publicClient.oauth, authorizationUrl: `${PROVIDER}/authorize?p=B2C_1` },
      };
      const url = new URL(start(withQuery).step.request.url);
      assert.equal(url.searchParams.get('p'), 'B2C_1');
      assert.equal(url.searchParams.get('response_type'), 'code');
    });

    it('carries the state, the verifier and the nonce to the later steps', () => {
      const { walk } = start().step;
      assert.equal(walk.step, 'authorize');
      assert.equal(walk.carry.state, STATE);
      assert.equal(walk.carry.verifier, VERIFIER);
      assert.equal(walk.carry.nonce, NONCE);
    });

    it('fails the login with OIDC_ENDPOINT_MISSING, sending nothing, when no authorization endpoint was found', () => {
      const profile = resolveProfile({
        env: {
          AUTH_MODE: 'authorization-code',
          OIDC_ISSUER: PROVIDER,
          CLIENT_ID: 'k6',
          REDIRECT_URI,
        },
      });
      assert.deepEqual(authorizationCode.startLogin(profile, user1, walkTools()), {
        kind: 'failed',
        errorCode: 'OIDC_ENDPOINT_MISSING',
        reason:
          'Cannot walk the authorization-code login; reason: expected oauth.authorizationUrl from the profile or discovery, got nothing',
      });
    });
  });

  describe('redirects', () => {
    it('follows a 303 to a relative Location on the provider’s origin, reading the page', () => {
      const next = sentStep(answer(start(), redirect('/login?return=%2Fauth', 303)));
      assert.deepEqual(next.request, {
        endpoint: 'authorize',
        method: 'GET',
        url: `${PROVIDER}/login?return=%2Fauth`,
        headers: { Accept: 'text/html' },
        followRedirects: false,
      });
      assert.deepEqual(next.readPage, {});
      assert.equal(next.walk.carry.url, `${PROVIDER}/login?return=%2Fauth`);
      assert.equal(next.walk.carry.state, STATE);
    });

    it('resolves a relative Location against the URL just requested', () => {
      const first = answer(start(), redirect(`${PROVIDER}/realms/k6/auth`));
      const next = sentStep(answer(first, redirect('login-page?x=1')));
      assert.equal(next.request.url, `${PROVIDER}/realms/k6/login-page?x=1`);
    });

    it('fails a redirect to another origin, naming the allowed ones and never the query', () => {
      const step = answer(
        start(),
        redirect(`http://evil.example/steal?state=${STATE}&code=${CODE}`),
      ).step;
      assert.deepEqual(step, {
        kind: 'failed',
        reason: `redirect off the allowed origins at authorize (/auth); reason: expected one of ${PROVIDER} (oauth.allowedOrigins adds more), got http://evil.example`,
      });
    });

    it('fails a redirect to a URL that is not http(s)', () => {
      const reason = reasonOf(answer(start(), redirect('custom-app:/cb?code=x')).step);
      assert.match(reason, /got a URL that is not http\(s\)$/);
    });

    it('follows a redirect to an origin oauth.allowedOrigins lets through', () => {
      const profile = profileWith({}, { allowedOrigins: ['https://login.partner.example'] });
      const walk = answer(start(profile), redirect('https://login.partner.example/sso?x=1'));
      assert.equal(sentStep(walk).request.url, 'https://login.partner.example/sso?x=1');
    });

    it('fails a redirect without a Location', () => {
      assert.deepEqual(answer(start(), respond({ status: 302 })).step, {
        kind: 'failed',
        reason:
          'redirect without a Location at authorize (/auth); reason: expected a Location header, got none',
      });
    });
  });

  describe('the login page', () => {
    it('submits the login form with its hidden inputs and the account, form-encoded', () => {
      const next = sentStep(answer(start(), showPage(loginPage())));
      assert.deepEqual(next.request, {
        endpoint: 'login',
        method: 'POST',
        url: `${PROVIDER}/login/submit?session=s1`,
        headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'session=hidden-s1&username=user1&password=pass1&login=Sign+In',
        followRedirects: false,
      });
      assert.deepEqual(next.readPage, {});
      assert.equal(next.walk.step, 'login');
      assert.equal(next.walk.carry.login, '1');
    });

    it('asks for the configured selectors on every page step', () => {
      const profile = profileWith({}, { loginForm: '#kc-form-login' });
      const selectors = { login: '#kc-form-login' };
      const first = start(profile);
      assert.deepEqual(first.step.readPage, selectors);
      const marked = loginPage();
      for (const form of marked.forms) form.roles.push('login');
      assert.deepEqual(sentStep(answer(first, showPage(marked))).readPage, selectors);
    });

    it('puts a GET form’s fields in the query of its action, replacing the query there', () => {
      const page = loginPage('/login?old=1');
      const form = page.forms[0] as HtmlForm;
      form.method = 'get';
      const next = sentStep(answer(start(), showPage(page)));
      assert.equal(next.request.method, 'GET');
      assert.equal(next.request.body, undefined);
      assert.equal(
        next.request.url,
        `${PROVIDER}/login?session=hidden-s1&username=user1&password=pass1&login=Sign+In`,
      );
    });

    it('refuses the account when the login form comes back after the password', () => {
      const submitted = answer(start(), showPage(loginPage()));
      const step = answer(submitted, showPage(loginPage())).step;
      assert.deepEqual(step, {
        kind: 'failed',
        errorCode: 'login_refused',
        reason:
          'login refused at login (/login/submit); reason: expected the provider to accept the account, got its login form again (wrong user name or password, or a locked account)',
      });
      assertNoSecrets(reasonOf(step));
    });

    it('refuses the account when the form comes back with a 401, as Dex answers', () => {
      const submitted = answer(start(), showPage(loginPage()));
      const step = answer(submitted, showPage(loginPage(), 401)).step;
      assert.equal(step.kind === 'failed' && step.errorCode, 'login_refused');
    });

    it('fails a login form without a password input it can fill', () => {
      const page: HtmlPage = {
        forms: [
          {
            action: '',
            method: 'post',
            roles: ['login'],
            fields: [field('username', 'text')],
          },
        ],
        meta: {},
      };
      const profile = profileWith({}, { loginForm: 'form' });
      assert.deepEqual(answer(start(profile), showPage(page)).step, {
        kind: 'failed',
        reason:
          'unusable login form at authorize (/auth); reason: expected a user name and a password input, got no password input',
      });
    });

    it('fails a page with neither a login nor a consent form, saying what it had', () => {
      const empty = answer(start(), showPage({ forms: [], meta: {} })).step;
      assert.deepEqual(empty, {
        kind: 'failed',
        reason:
          'no login form at authorize (/auth); reason: expected a login or consent form, got 0 form(s), none with a password input or an approving button',
      });
      const notHtml = answer(start(), respond({ body: '{}' })).step;
      assert.deepEqual(notHtml, {
        kind: 'failed',
        reason:
          'no login form at authorize (/auth); reason: expected a login or consent form, got a body that is not HTML',
      });
    });

    it('fails a 5xx page, naming the status the retry logic reads', () => {
      const step = answer(start(), respond({ status: 503, body: 'Service Unavailable' })).step;
      assert.deepEqual(step, {
        kind: 'failed',
        reason:
          'unexpected answer at authorize (/auth); reason: expected a page or a redirect, got status 503',
      });
    });

    it('fails an answer that never came (status 0)', () => {
      assert.match(
        reasonOf(answer(start(), respond({ status: 0 })).step),
        /got status 0 \(no response\)$/,
      );
    });

    it('keeps the OAuth error code of a 4xx page', () => {
      const res = respond({
        status: 400,
        body: '{"error":"invalid_request","error_description":"bad"}',
      });
      assert.deepEqual(answer(start(), res).step, {
        kind: 'failed',
        reason:
          'unexpected answer at authorize (/auth); reason: expected a page or a redirect, got status 400',
        errorCode: 'invalid_request',
      });
    });
  });

  describe('the consent page', () => {
    it('submits the approving button with the hidden inputs', () => {
      const loggedIn = answer(start(), showPage(loginPage()));
      const atConsent = answer(loggedIn, redirect('/consent'));
      const next = sentStep(answer(atConsent, showPage(consentPage)));
      assert.deepEqual(next.request, {
        endpoint: 'consent',
        method: 'POST',
        url: `${PROVIDER}/consent`,
        headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'interaction=i1&accept=Yes',
        followRedirects: false,
      });
      assert.equal(next.walk.step, 'consent');
      assert.deepEqual(next.readPage, {});
    });

    it('fails instead with oauth.consent "fail"', () => {
      const step = answer(start(profileWith({}, { consent: 'fail' })), showPage(consentPage)).step;
      assert.deepEqual(step, {
        kind: 'failed',
        reason:
          'consent not given at authorize (/auth); reason: expected no consent page, got one and oauth.consent is "fail"',
      });
    });

    it('fails when the consent page comes back after approving', () => {
      const approved = answer(start(), showPage(consentPage));
      assert.deepEqual(answer(approved, showPage(consentPage)).step, {
        kind: 'failed',
        reason:
          'consent not given at consent (/consent); reason: expected no consent page, got it again after approving',
      });
    });
  });

  describe('the redirect to REDIRECT_URI (RFC 6749 §4.1.2)', () => {
    it('gives the token request with the code and the verifier, never a request to the redirect URI', () => {
      const step = sentStep(walkToToken());
      assert.deepEqual(step.request, {
        endpoint: 'token',
        method: 'POST',
        url: `${PROVIDER}/token`,
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: CODE,
          redirect_uri: REDIRECT_URI,
          code_verifier: VERIFIER,
          client_id: 'k6',
        }).toString(),
        followRedirects: false,
      });
      assert.equal(step.walk.step, 'token');
      assert.equal(step.readPage, undefined);
      assert.ok(!step.request.url.startsWith(REDIRECT_URI));
    });

    it('fails the login with OIDC_ENDPOINT_MISSING, sending nothing more, when no token endpoint was found', () => {
      const noTokenUrl = profileWith({}, { tokenUrl: null });
      assert.equal(noTokenUrl.oauth.tokenUrl, null);
      assert.deepEqual(walkToToken(noTokenUrl).step, {
        kind: 'failed',
        errorCode: 'OIDC_ENDPOINT_MISSING',
        reason:
          'Cannot walk the authorization-code login; reason: expected oauth.tokenUrl from the profile or discovery, got nothing',
      });
    });

    it('authenticates a confidential client with HTTP Basic and no client_id in the body (RFC 6749 §2.3.1)', () => {
      const { request } = sentStep(walkToToken(confidential));
      assert.equal(
        request.headers.Authorization,
        `Basic ${Buffer.from(`k6:${SECRET}`).toString('base64')}`,
      );
      const body = new URLSearchParams(request.body);
      assert.equal(body.has('client_id'), false);
      assert.equal(body.has('client_secret'), false);
      assert.equal(body.get('code_verifier'), VERIFIER);
    });

    it('takes the code from a redirect straight after the authorization request (an SSO session)', () => {
      const step = sentStep(answer(start(), callback(`state=${STATE}&code=${CODE}`)));
      assert.equal(step.request.endpoint, 'token');
    });

    it('fails a state that is not the one sent (RFC 6749 §10.12)', () => {
      const step = answer(start(), callback(`code=${CODE}&state=forged`)).step;
      assert.deepEqual(step, {
        kind: 'failed',
        reason:
          'state mismatch at authorize (/auth); reason: expected the redirect to carry the state sent with the authorization request, got another one',
      });
      assert.match(reasonOf(answer(start(), callback(`code=${CODE}`)).step), /got none$/);
    });

    it('fails an error redirect with its error code (RFC 6749 §4.1.2.1)', () => {
      const step = answer(start(), callback(`error=access_denied&state=${STATE}`)).step;
      assert.deepEqual(step, {
        kind: 'failed',
        errorCode: 'access_denied',
        reason:
          'authorization refused at authorize (/auth); reason: expected a code, got error "access_denied" (RFC 6749 §4.1.2.1)',
      });
    });

    it('never echoes an error that is not a short code', () => {
      const step = answer(
        start(),
        callback(`error=${encodeURIComponent('<script>x</script>')}`),
      ).step;
      assert.equal((step as { errorCode?: string }).errorCode, 'unreadable');
    });

    it('fails an "iss" that is not the issuer (RFC 9207)', () => {
      const step = answer(
        start(),
        callback(`code=${CODE}&state=${STATE}&iss=http%3A%2F%2Fevil.example`),
      ).step;
      assert.deepEqual(step, {
        kind: 'failed',
        reason: `issuer mismatch at authorize (/auth); reason: expected "iss" ${PROVIDER} (RFC 9207), got another issuer`,
      });
    });

    it('accepts an "iss" that is the issuer', () => {
      const iss = encodeURIComponent(PROVIDER);
      const step = answer(start(), callback(`code=${CODE}&state=${STATE}&iss=${iss}`)).step;
      assert.equal(step.kind, 'send');
    });

    it('fails a redirect without a code', () => {
      assert.deepEqual(answer(start(), callback(`state=${STATE}`)).step, {
        kind: 'failed',
        reason:
          'no code at authorize (/auth); reason: expected a "code" parameter in the redirect, got none',
      });
      assert.equal(answer(start(), callback(`state=${STATE}&code=`)).step.kind, 'failed');
    });
  });

  describe('the token answer (RFC 6749 §4.1.4)', () => {
    it('is logged in with the tokens', () => {
      assert.deepEqual(answer(walkToToken(), tokenAnswer()).step, {
        kind: 'done',
        tokens: { accessToken: 'at1', refreshToken: 'rt1', expiresInSeconds: 300 },
      });
    });

    it('needs no ID token without openid in scope', () => {
      const walk = walkToToken(profileWith({ SCOPE: 'api' }));
      const step = answer(walk, tokenAnswer({ id_token: undefined })).step;
      assert.equal(step.kind, 'done');
    });

    it('fails an ID token whose nonce is not the one sent (OpenID Connect Core §3.1.3.7)', () => {
      const step = answer(
        walkToToken(),
        tokenAnswer({ id_token: idToken({ nonce: 'other' }) }),
      ).step;
      assert.deepEqual(step, {
        kind: 'failed',
        reason:
          'ID token rejected at token; reason: expected its "nonce" to be the one sent (OpenID Connect Core §3.1.3.7), got another one',
      });
    });

    it('fails a missing or unreadable ID token when a nonce was sent', () => {
      const expected = {
        kind: 'failed',
        reason:
          'ID token rejected at token; reason: expected its "nonce" to be the one sent (OpenID Connect Core §3.1.3.7), got no ID token or no nonce',
      };
      assert.deepEqual(answer(walkToToken(), tokenAnswer({ id_token: undefined })).step, expected);
      assert.deepEqual(
        answer(walkToToken(), tokenAnswer({ id_token: 'not-a-jwt' })).step,
        expected,
      );
      assert.deepEqual(
        answer(walkToToken(), tokenAnswer({ id_token: idToken({}) })).step,
        expected,
      );
    });

    it('is refused with the OAuth error code of a 400 (RFC 6749 §5.2)', () => {
      const res = respond({ status: 400, body: '{"error":"invalid_grant"}' });
      assert.deepEqual(answer(walkToToken(), res).step, {
        kind: 'failed',
        errorCode: 'invalid_grant',
      });
    });

    it('fails a 2xx answer that is not JSON, saying so', () => {
      assert.deepEqual(answer(walkToToken(), respond({ body: '<html>' })).step, {
        kind: 'failed',
        reason:
          'unreadable login answer; reason: expected a JSON token response, got a body that is not JSON',
      });
    });
  });

  describe('renewal and logout', () => {
    it('refreshes with the refresh_token grant at the token URL (RFC 6749 §6)', () => {
      assert.deepEqual(
        authorizationCode.buildRenewal?.(publicClient, { accessToken: 'at1', refreshToken: 'rt1' }),
        {
          endpoint: 'refresh',
          method: 'POST',
          url: `${PROVIDER}/token`,
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=refresh_token&refresh_token=rt1&client_id=k6',
          followRedirects: false,
        },
      );
    });

    it('refreshes a confidential client with HTTP Basic', () => {
      const request = authorizationCode.buildRenewal?.(confidential, { refreshToken: 'rt1' });
      assert.match(request?.headers.Authorization ?? '', /^Basic /);
      assert.equal(request?.body, 'grant_type=refresh_token&refresh_token=rt1');
    });

    it('has nothing to refresh with without a refresh token', () => {
      assert.equal(
        authorizationCode.buildRenewal?.(publicClient, { accessToken: 'at1' }),
        undefined,
      );
    });

    it('reads a rotated refresh answer, and a refused one with its code', () => {
      assert.deepEqual(
        authorizationCode.readRenewal?.(publicClient, tokenAnswer({ refresh_token: 'rt2' })),
        {
          kind: 'done',
          tokens: { accessToken: 'at1', refreshToken: 'rt2', expiresInSeconds: 300 },
        },
      );
      assert.deepEqual(
        authorizationCode.readRenewal?.(
          publicClient,
          respond({ status: 400, body: '{"error":"invalid_grant"}' }),
        ),
        { kind: 'failed', errorCode: 'invalid_grant' },
      );
    });

    it('logs out by revoking the refresh token when the provider has revocation (RFC 7009 §2.1)', () => {
      const profile = profileWith({}, { revocationUrl: `${PROVIDER}/revoke` });
      assert.deepEqual(
        authorizationCode.buildLogout?.(profile, { accessToken: 'at1', refreshToken: 'rt1' }),
        {
          endpoint: 'logout',
          method: 'POST',
          url: `${PROVIDER}/revoke`,
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          body: 'token=rt1&token_type_hint=refresh_token&client_id=k6',
          followRedirects: false,
        },
      );
    });

    it('has no logout without a revocation endpoint, or without a refresh token', () => {
      assert.equal(
        authorizationCode.buildLogout?.(publicClient, { refreshToken: 'rt1' }),
        undefined,
      );
      const profile = profileWith({}, { revocationUrl: `${PROVIDER}/revoke` });
      assert.equal(authorizationCode.buildLogout?.(profile, { accessToken: 'at1' }), undefined);
    });

    it('sends the access token as a Bearer', () => {
      assert.deepEqual(
        authorizationCode.applyCredentials(publicClient, { accessToken: 'at1' }, {}),
        {
          Authorization: 'Bearer at1',
        },
      );
    });
  });

  it('never puts the password, the code, the state, the verifier or the nonce in a reason', () => {
    const failures: LoginStep[] = [];
    const submitted = answer(start(), showPage(loginPage(`/login?state=${STATE}`)));
    failures.push(answer(submitted, showPage(loginPage())).step);
    const walkAt = (url: string): LoginWalk => ({
      step: 'login',
      carry: { url, state: STATE, verifier: VERIFIER, login: '1' },
    });
    const tools = walkTools();
    const secretUrl = `${PROVIDER}/login/${'x'}?password=${user1.password}&code=${CODE}&state=${STATE}`;
    const from = (res: ResponseView) =>
      authorizationCode.continueLogin(publicClient, user1, walkAt(secretUrl), res, tools);
    failures.push(from(respond({ status: 500, body: `{"error":"x","code":"${CODE}"}` })));
    failures.push(from(showPage(loginPage())));
    failures.push(from(showPage({ forms: [], meta: {} })));
    failures.push(
      from(redirect(`http://user:${user1.password}@evil.example/?code=${CODE}&state=${STATE}`)),
    );
    failures.push(from(callback(`code=${CODE}&state=${VERIFIER}`)));
    failures.push(from(callback(`code=${CODE}&state=${STATE}&iss=${VERIFIER}`)));
    failures.push(from(callback(`error=access_denied&state=${STATE}&code=${CODE}`)));
    failures.push(from(callback(`state=${STATE}`)));
    const token: LoginWalk = {
      step: 'token',
      carry: { state: STATE, verifier: VERIFIER, nonce: NONCE },
    };
    failures.push(
      authorizationCode.continueLogin(
        publicClient,
        user1,
        token,
        tokenAnswer({ id_token: idToken({ nonce: CODE }) }),
        tools,
      ),
      authorizationCode.continueLogin(
        publicClient,
        user1,
        token,
        respond({ status: 400, body: CODE }),
        tools,
      ),
    );
    for (const failure of failures) {
      assert.equal(failure.kind, 'failed');
      assertNoSecrets(JSON.stringify(failure));
    }
  });
});
