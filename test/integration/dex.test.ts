/**
 * Dex as the second, independent OpenID provider: walks its real authorization code + PKCE flow
 * with Node's fetch (manual redirects, a cookie jar, forms read from the HTML), then the token,
 * userinfo, refresh and client-credentials endpoints. Pins the page shapes the OIDC profiles walk
 * (test/helpers/dex.md). Codes, tokens and secrets are compared, never printed.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Dex, startDex } from '../helpers/dex.ts';
import { DexNotFoundError, provisionDex } from '../helpers/provision-dex.ts';

/** Skip only when this machine cannot provision Dex at all (no Go); a failed build fails. */
const unavailable = await provisionDex().then(
  () => undefined,
  (error: unknown) => {
    if (error instanceof DexNotFoundError && error.message.includes('expected Go')) {
      return `Dex cannot be provisioned here: ${error.message}`;
    }
    throw error;
  },
);

const SCOPE = 'openid profile email offline_access';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  grant_types_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  token_type?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

interface Form {
  method: string;
  /** Resolved against the page URL; a form without `action` posts to the page itself. */
  action: string;
  inputs: { name: string; type: string; value: string }[];
}

interface Page {
  url: string;
  status: number;
  html: string;
  forms: Form[];
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

function readForms(html: string, pageUrl: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((match) => {
    const [, tag = '', body = ''] = match;
    return {
      method: (attribute(tag, 'method') ?? 'get').toLowerCase(),
      action: new URL(attribute(tag, 'action') ?? pageUrl, pageUrl).href,
      inputs: [...body.matchAll(/<input\b[^>]*>/gi)].map(([input]) => ({
        name: attribute(input, 'name') ?? '',
        type: attribute(input, 'type') ?? 'text',
        value: attribute(input, 'value') ?? '',
      })),
    };
  });
}

/** What a browser keeps between requests: cookies (name → value, attributes as last seen). */
class Browser {
  readonly cookies = new Map<string, { value: string; attributes: string }>();

  async send(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set(
        'cookie',
        [...this.cookies].map(([name, { value }]) => `${name}=${value}`).join('; '),
      );
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), {
        value: pair.slice(eq + 1),
        attributes: attributes.map((part) => part.trim()).join('; '),
      });
    }
    return res;
  }

  /**
   * Follows redirects from `res` (answered for `url`) until a page, or until one points at
   * `stopAt` (the client's redirect URI), which is returned without being fetched.
   */
  async follow(
    url: string,
    res: Response,
    stopAt: string,
    hops: string[] = [],
  ): Promise<{ page?: Page; callback?: URL; hops: string[] }> {
    let current = url;
    let answer = res;
    while (answer.status >= 300 && answer.status < 400) {
      await answer.body?.cancel();
      const next = new URL(answer.headers.get('location') ?? '', current);
      hops.push(`${answer.status} ${next.pathname}`);
      if (next.href.startsWith(stopAt)) return { callback: next, hops };
      current = next.href;
      answer = await this.send(current);
    }
    const html = await answer.text();
    return {
      page: { url: current, status: answer.status, html, forms: readForms(html, current) },
      hops,
    };
  }

  async submit(form: Form, values: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams();
    for (const input of form.inputs) if (input.type === 'hidden') body.set(input.name, input.value);
    for (const [name, value] of Object.entries(values)) body.set(name, value);
    return this.send(form.action, { method: form.method.toUpperCase(), headers: FORM, body });
  }
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function basic(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

async function postToken(
  discovery: Discovery,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: TokenAnswer }> {
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { ...FORM, ...headers },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as TokenAnswer };
}

function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

interface Login {
  callback: URL;
  state: string;
  verifier: string;
  sawLoginForm: boolean;
  sawApproval: boolean;
  hops: string[];
}

/**
 * One login the way a k6 VU walks it: authorize → login form → (approval form) → REDIRECT_URI.
 * `extra` adds authorize parameters (e.g. `prompt`).
 */
async function logIn(
  dex: Dex,
  discovery: Discovery,
  options: { user: number; clientId?: string; browser?: Browser; extra?: Record<string, string> },
): Promise<Login> {
  const browser = options.browser ?? new Browser();
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(12).toString('base64url');
  const authorize = new URL(discovery.authorization_endpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: options.clientId ?? dex.clients.confidential.id,
    redirect_uri: dex.redirectUri,
    scope: SCOPE,
    state,
    nonce: randomBytes(12).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...options.extra,
  })) {
    authorize.searchParams.set(name, value);
  }
  let step = await browser.follow(
    authorize.href,
    await browser.send(authorize.href),
    dex.redirectUri,
  );
  const hops = [...step.hops];
  let sawLoginForm = false;
  let sawApproval = false;
  for (let pages = 0; step.page !== undefined && pages < 4; pages++) {
    const { page } = step;
    assert.equal(page.status, 200, `unexpected page at ${new URL(page.url).pathname}`);
    const login = page.forms.find((form) => form.inputs.some((input) => input.name === 'password'));
    const approve = page.forms.find((form) =>
      form.inputs.some((input) => input.name === 'approval' && input.value === 'approve'),
    );
    let res: Response;
    if (login) {
      sawLoginForm = true;
      res = await browser.submit(login, {
        login: `user${options.user}`,
        password: `pass${options.user}`,
      });
    } else if (approve) {
      sawApproval = true;
      res = await browser.submit(approve, {});
    } else {
      assert.fail(`no login or approval form at ${new URL(page.url).pathname}`);
    }
    step = await browser.follow(page.url, res, dex.redirectUri);
    hops.push(...step.hops);
  }
  assert.ok(step.callback, 'the walk ends at REDIRECT_URI');
  return { callback: step.callback, state, verifier, sawLoginForm, sawApproval, hops };
}

async function exchange(
  dex: Dex,
  discovery: Discovery,
  login: Login,
): Promise<{ status: number; body: TokenAnswer }> {
  const { id, secret } = dex.clients.confidential;
  return postToken(
    discovery,
    {
      grant_type: 'authorization_code',
      code: login.callback.searchParams.get('code') ?? '',
      redirect_uri: dex.redirectUri,
      code_verifier: login.verifier,
    },
    basic(id, secret),
  );
}

async function userinfoStatus(dex: Dex, token: string | undefined): Promise<number> {
  const res = await fetch(dex.protectedUrl, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

async function discover(dex: Dex): Promise<Discovery> {
  const res = await fetch(`${dex.issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  return (await res.json()) as Discovery;
}

describe('Dex, the second OpenID provider, with its approval screen', { skip: unavailable }, () => {
  let dex: Dex;
  let discovery: Discovery;
  before(async () => {
    dex = await startDex({ users: 6 });
    discovery = await discover(dex);
  });
  after(async () => {
    await dex?.stop();
  });

  it('serves discovery under its issuer path, naming that issuer, S256 and every grant the profiles use', () => {
    assert.equal(discovery.issuer, dex.issuer);
    assert.match(dex.issuer, /^http:\/\/127\.0\.0\.1:\d+\/dex$/);
    assert.equal(discovery.authorization_endpoint, `${dex.issuer}/auth`);
    assert.equal(discovery.token_endpoint, `${dex.issuer}/token`);
    assert.equal(discovery.userinfo_endpoint, dex.protectedUrl);
    assert.ok(discovery.code_challenge_methods_supported.includes('S256'));
    assert.deepEqual(discovery.grant_types_supported, [
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    assert.deepEqual(discovery.token_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
    ]);
  });

  it('redirects the authorize URL straight to the local login form (no connector page), which posts login and password', async () => {
    const browser = new Browser();
    const { challenge } = pkcePair();
    const authorize = new URL(discovery.authorization_endpoint);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: dex.clients.confidential.id,
      redirect_uri: dex.redirectUri,
      scope: SCOPE,
      state: 'state-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const step = await browser.follow(
      authorize.href,
      await browser.send(authorize.href),
      dex.redirectUri,
    );
    assert.deepEqual(step.hops, ['302 /dex/auth/local', '302 /dex/auth/local/login']);
    assert.equal(browser.cookies.size, 0, 'no cookie before the login');
    const page = step.page;
    assert.ok(page);
    assert.equal(page.status, 200);
    assert.equal(page.forms.length, 1);
    const [form] = page.forms;
    assert.equal(form?.method, 'post');
    const action = new URL(form?.action ?? '');
    assert.equal(action.pathname, '/dex/auth/local/login');
    assert.deepEqual([...action.searchParams.keys()], ['back', 'state']);
    assert.deepEqual(
      form?.inputs.map(({ name, type }) => `${name}:${type}`),
      ['login:text', 'password:password', 'remember_me:checkbox'],
    );
  });

  it('answers a wrong password with 401 and the form again, and the right one with a dex_session cookie and the approval form', async () => {
    const browser = new Browser();
    const authorize = new URL(discovery.authorization_endpoint);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: dex.clients.confidential.id,
      redirect_uri: dex.redirectUri,
      scope: SCOPE,
      state: 'state-2',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    }).toString();
    const first = await browser.follow(
      authorize.href,
      await browser.send(authorize.href),
      dex.redirectUri,
    );
    const form = first.page?.forms[0];
    assert.ok(form);

    const wrong = await browser.submit(form, { login: 'user2', password: 'not-pass2' });
    assert.equal(wrong.status, 401);
    const again = readForms(await wrong.text(), form.action);
    assert.equal(again[0]?.action, form.action);
    assert.ok(again[0]?.inputs.some((input) => input.name === 'password'));
    assert.equal(browser.cookies.size, 0);

    const right = await browser.submit(form, { login: 'user2', password: 'pass2' });
    assert.equal(right.status, 303);
    assert.deepEqual(
      browser.cookies.get('dex_session')?.attributes,
      'Path=/dex; HttpOnly; SameSite=Lax',
    );
    const next = await browser.follow(form.action, right, dex.redirectUri);
    assert.deepEqual(next.hops, ['303 /dex/auth', '303 /dex/approval']);
    const approvalUrl = new URL(next.page?.url ?? '');
    assert.deepEqual([...approvalUrl.searchParams.keys()], ['hmac', 'req']);
    assert.deepEqual(
      next.page?.forms.map((f) => ({
        method: f.method,
        action: f.action === approvalUrl.href ? '<the page itself>' : f.action,
        inputs: f.inputs.map(({ name, type, value }) =>
          name === 'req' ? `${name}:${type}:<auth request id>` : `${name}:${type}:${value}`,
        ),
      })),
      [
        {
          method: 'post',
          action: '<the page itself>',
          inputs: ['req:hidden:<auth request id>', 'approval:hidden:approve'],
        },
        {
          method: 'post',
          action: '<the page itself>',
          inputs: ['req:hidden:<auth request id>', 'approval:hidden:rejected'],
        },
      ],
    );
  });

  it('redirects to REDIRECT_URI with code and the same state once the approval form is posted', async () => {
    const login = await logIn(dex, discovery, { user: 3 });
    assert.equal(login.sawLoginForm, true);
    assert.equal(login.sawApproval, true);
    assert.deepEqual(login.hops, [
      '302 /dex/auth/local',
      '302 /dex/auth/local/login',
      '303 /dex/auth',
      '303 /dex/approval',
      '303 /dex/auth',
      '303 /k6-auth-toolkit/callback',
    ]);
    assert.equal(`${login.callback.origin}${login.callback.pathname}`, dex.redirectUri);
    assert.deepEqual([...login.callback.searchParams.keys()], ['code', 'state']);
    assert.equal(login.callback.searchParams.get('state'), login.state);
  });

  it('refuses a wrong PKCE verifier without spending the code, then exchanges it once for the right one', async () => {
    const login = await logIn(dex, discovery, { user: 1 });
    const wrong = await exchange(dex, discovery, { ...login, verifier: pkcePair().verifier });
    assert.deepEqual(wrong, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid code_verifier.' },
    });
    const right = await exchange(dex, discovery, login);
    assert.equal(right.status, 200);
    assert.deepEqual(Object.keys(right.body).sort(), [
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'token_type',
    ]);
    assert.equal(right.body.token_type, 'bearer');
    assert.ok((right.body.expires_in ?? 0) > 290 && (right.body.expires_in ?? 0) <= 300);
    const replay = await exchange(dex, discovery, login);
    assert.deepEqual(replay, {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid or expired code parameter.' },
    });
  });

  it('accepts the access token as a bearer at userinfo and refuses a missing (401) or altered (403) one', async () => {
    const tokens = await exchange(dex, discovery, await logIn(dex, discovery, { user: 1 }));
    const access = tokens.body.access_token ?? '';
    const claims = jwtPayload(access);
    assert.equal(claims.iss, dex.issuer);
    assert.equal(claims.aud, dex.clients.confidential.id);
    assert.equal(claims.email, 'user1');
    assert.equal(await userinfoStatus(dex, access), 200);
    assert.equal(await userinfoStatus(dex, undefined), 401);
    assert.equal(await userinfoStatus(dex, `${access.slice(0, -4)}AAAA`), 403);
  });

  it('rotates the refresh token on every refresh and refuses the spent one without revoking the new one', async () => {
    const first = await exchange(dex, discovery, await logIn(dex, discovery, { user: 4 }));
    const { id, secret } = dex.clients.confidential;
    const refresh = (token: string | undefined) =>
      postToken(
        discovery,
        { grant_type: 'refresh_token', refresh_token: token ?? '' },
        basic(id, secret),
      );

    const second = await refresh(first.body.refresh_token);
    assert.equal(second.status, 200);
    assert.ok(second.body.refresh_token);
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    assert.notEqual(second.body.access_token, first.body.access_token);
    assert.equal(await userinfoStatus(dex, second.body.access_token), 200);

    const reused = await refresh(first.body.refresh_token);
    assert.deepEqual(reused, {
      status: 400,
      body: {
        error: 'invalid_request',
        error_description:
          'Refresh token is invalid or has already been claimed by another client.',
      },
    });
    const third = await refresh(second.body.refresh_token);
    assert.equal(third.status, 200);
    assert.notEqual(third.body.refresh_token, second.body.refresh_token);
  });

  it('remembers consent per user and client: the next login skips approval unless prompt=consent', async () => {
    const first = await logIn(dex, discovery, { user: 5 });
    assert.equal(first.sawApproval, true);
    const second = await logIn(dex, discovery, { user: 5 });
    assert.equal(second.sawLoginForm, true, 'a new cookie jar logs in again');
    assert.equal(second.sawApproval, false);
    const forced = await logIn(dex, discovery, { user: 5, extra: { prompt: 'consent' } });
    assert.equal(forced.sawApproval, true);
  });

  it('skips the login form for a browser that still holds its dex_session cookie', async () => {
    const browser = new Browser();
    const first = await logIn(dex, discovery, { user: 6, browser });
    assert.equal(first.sawLoginForm, true);
    const again = await logIn(dex, discovery, { user: 6, browser });
    assert.equal(again.sawLoginForm, false);
    assert.equal(again.sawApproval, false);
    assert.equal((await exchange(dex, discovery, again)).status, 200);
  });

  it('logs a public client in with PKCE and no secret, and refuses its code without the verifier', async () => {
    const clientId = dex.clients.public.id;
    const login = await logIn(dex, discovery, { user: 2, clientId });
    const code = login.callback.searchParams.get('code') ?? '';
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: dex.redirectUri,
      client_id: clientId,
    };
    const missing = await postToken(discovery, params);
    assert.deepEqual(missing, {
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'Expecting parameter code_verifier in PKCE flow.',
      },
    });
    const right = await postToken(discovery, { ...params, code_verifier: login.verifier });
    assert.equal(right.status, 200);
    assert.ok(right.body.refresh_token);
    assert.equal(await userinfoStatus(dex, right.body.access_token), 200);
  });

  it('mints a client-credentials bearer with client_secret_basic or client_secret_post, and answers a wrong secret with 401', async () => {
    const { id, secret } = dex.clients.clientCredentials;
    const viaBasic = await postToken(
      discovery,
      { grant_type: 'client_credentials' },
      basic(id, secret),
    );
    assert.equal(viaBasic.status, 200);
    assert.deepEqual(Object.keys(viaBasic.body).sort(), [
      'access_token',
      'expires_in',
      'token_type',
    ]);
    assert.equal(jwtPayload(viaBasic.body.access_token ?? '').aud, id);
    assert.equal(await userinfoStatus(dex, viaBasic.body.access_token), 200);

    const viaPost = await postToken(discovery, {
      grant_type: 'client_credentials',
      client_id: id,
      client_secret: secret,
      scope: 'openid',
    });
    assert.equal(viaPost.status, 200);
    assert.ok(viaPost.body.id_token, 'scope openid adds an ID token');

    const wrong = await postToken(
      discovery,
      { grant_type: 'client_credentials' },
      basic(id, 'wrong'),
    );
    assert.deepEqual(wrong, {
      status: 401,
      body: { error: 'invalid_client', error_description: 'Invalid client credentials.' },
    });
    const offline = await postToken(
      discovery,
      { grant_type: 'client_credentials', scope: 'offline_access' },
      basic(id, secret),
    );
    assert.equal(offline.status, 400);
  });
});

describe('Dex without an approval screen and with 2-second access tokens', {
  skip: unavailable,
}, () => {
  let dex: Dex;
  let discovery: Discovery;
  before(async () => {
    dex = await startDex({ users: 1, consent: false, accessTtlSeconds: 2 });
    discovery = await discover(dex);
  });
  after(async () => {
    await dex?.stop();
  });

  it('goes from the login form straight to the code, and the access token is refused at userinfo once expired', async () => {
    const login = await logIn(dex, discovery, { user: 1 });
    assert.equal(login.sawApproval, false);
    assert.deepEqual(login.hops.slice(2), ['303 /dex/auth', '303 /k6-auth-toolkit/callback']);
    const tokens = await exchange(dex, discovery, login);
    assert.equal(tokens.status, 200);
    assert.ok((tokens.body.expires_in ?? 0) >= 1 && (tokens.body.expires_in ?? 0) <= 2);
    const claims = jwtPayload(tokens.body.access_token ?? '');
    assert.equal(Number(claims.exp) - Number(claims.iat), 2);

    const deadline = Date.now() + 10_000;
    let status = await userinfoStatus(dex, tokens.body.access_token);
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await userinfoStatus(dex, tokens.body.access_token);
    }
    assert.equal(status, 403, 'Dex answers an expired bearer with 403 access_denied, not 401');
    assert.ok(Date.now() / 1000 >= Number(claims.exp));

    const { id, secret } = dex.clients.confidential;
    const refreshed = await postToken(
      discovery,
      { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token ?? '' },
      basic(id, secret),
    );
    assert.equal(refreshed.status, 200);
    assert.equal(await userinfoStatus(dex, refreshed.body.access_token), 200);
  });
});
