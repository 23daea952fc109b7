/**
 * lib/k6/html-page.ts and lib/k6/walk-tools.ts in the real k6: pages read by k6's own HTML parser
 * into the plain data lib/core decides on (attribute order and quoting, entities, comments,
 * checkboxes, selects, buttons, disabled and nameless controls, meta tags, form roles by CSS
 * selector), and PKCE's SHA-256 against RFC 7636 Appendix B.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleForK6 } from '../../build.mjs';
import {
  findConsentForm,
  findLoginForm,
  passwordField,
  submitForm,
  userNameField,
} from '../../lib/core/auth/oidc/forms.ts';
import { resolveProfile } from '../../lib/core/auth/profile-resolve.ts';
import type { HtmlPage } from '../../lib/core/http-types.ts';
import { runK6 } from '../helpers/k6.ts';

const PROBE = fileURLToPath(new URL('../k6/html-page-probe.ts', import.meta.url));
/** Pages captured from the IdP (idp/, test/helpers/capture-idp-fixtures.ts). */
const IDP_PAGES = ['login.html', 'login-error.html', 'consent.html'] as const;
const idpProfile = resolveProfile({
  env: {
    AUTH_MODE: 'authorization-code',
    OIDC_ISSUER: 'http://127.0.0.1:8090',
    CLIENT_ID: 'k6-public',
    REDIRECT_URI: 'http://127.0.0.1:8090/callback',
  },
});
const fixture = (name: string) =>
  fileURLToPath(new URL(`../helpers/fixtures/html/${name}`, import.meta.url));

interface ProbeResult {
  pages: HtmlPage[];
  challenge: string;
  random: { length: number; unreserved: boolean };
  decoded: string;
}

describe('reading pages and hashing with k6 itself', () => {
  let dir = '';
  let result: ProbeResult;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'html-page-'));
    await bundleForK6([PROBE], dir);
    const out = join(dir, 'result.json');
    const run = await runK6({
      script: join(dir, 'html-page-probe.js'),
      // A profile whose CSRF token is read from HTML: the runs that require k6/html.
      env: {
        PAGES: JSON.stringify([
          fixture('tricky.html'),
          ...IDP_PAGES.map((name) => fixture(`../idp/${name}`)),
        ]),
        OUT: out,
        PROFILE: 'profiles/csrf-form.json',
      },
      args: ['--quiet'],
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 0, run.stderr);
    result = JSON.parse(await readFile(out, 'utf8')) as ProbeResult;
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('reads every named, enabled control of a form as a browser would submit it', () => {
    const [login] = result.pages[0]?.forms ?? [];
    assert.equal(login?.action, '/login-actions/authenticate?session_code=a&tab_id=b');
    assert.equal(login?.method, 'post');
    assert.deepEqual(login?.roles, ['login']);
    assert.deepEqual(login?.fields, [
      { name: 'csrf_token', type: 'hidden', value: 'v2', checked: true },
      { name: 'entities', type: 'hidden', value: 'a&b+c="d\'<>', checked: true },
      { name: 'quoted', type: 'text', value: 'v4', checked: true },
      { name: 'first', type: 'text', value: 'first', checked: true },
      { name: 'username', type: 'text', value: '', checked: true },
      { name: 'password', type: 'password', value: '', checked: true },
      { name: 'remember', type: 'checkbox', value: 'yes', checked: false },
      { name: 'terms', type: 'checkbox', value: 'on', checked: true },
      { name: 'pick', type: 'radio', value: 'a', checked: false },
      { name: 'pick', type: 'radio', value: 'b', checked: true },
      { name: 'locale', type: 'select', value: 'en', checked: true },
      { name: 'plain', type: 'select', value: 'one', checked: true },
      { name: 'note', type: 'textarea', value: 'hello', checked: true },
      { name: 'action', type: 'submit', value: 'login', checked: true, label: 'Sign in' },
      { name: 'show', type: 'button', value: '', checked: true, label: 'Show password' },
      {
        name: 'alt',
        type: 'submit',
        value: 'Use a passkey',
        checked: true,
        label: 'Use a passkey',
      },
    ]);
  });

  it('skips forms inside comments, marks roles by selector, and reads meta tags', () => {
    const page = result.pages[0];
    assert.equal(page?.forms.length, 2);
    assert.deepEqual(page?.forms[1]?.roles, ['consent']);
    assert.equal(page?.forms[1]?.method, 'get');
    assert.deepEqual(page?.forms[1]?.fields[1], {
      name: '',
      type: 'submit',
      value: '',
      checked: true,
      label: 'Grant Access',
    });
    assert.deepEqual(page?.meta, { 'csrf-token': 'm1', robots: 'noindex' });
  });

  it('finds the login form on the provider’s real login page, and what submitting it sends', () => {
    for (const [index, name] of ['login.html', 'login-error.html'].entries()) {
      const page = result.pages[1 + index] as HtmlPage;
      const form = findLoginForm(idpProfile, page);
      assert.ok(form, name);
      assert.equal(userNameField(idpProfile, form), 'username');
      assert.equal(passwordField(idpProfile, form), 'password');
      const sent = submitForm(form, 'http://127.0.0.1:8090/interaction/x', {
        username: 'user1',
        password: 'pass1',
      });
      assert.equal(sent.method, 'POST');
      assert.match(sent.url, /^http:\/\/127\.0\.0\.1:8090\/interaction\/[\w-]+\/login$/);
      assert.deepEqual(
        sent.entries.map(([field]) => field),
        ['uid', 'csrf_token', 'username', 'password', 'login'],
        `${name}: every hidden input kept, the account filled, the one button`,
      );
      assert.equal(findConsentForm(idpProfile, page), undefined);
    }
  });

  it('finds the approving form and button on the provider’s real consent page', () => {
    const page = result.pages[3] as HtmlPage;
    assert.equal(findLoginForm(idpProfile, page), undefined);
    const consent = findConsentForm(idpProfile, page);
    assert.ok(consent);
    const sent = submitForm(
      consent.form,
      'http://127.0.0.1:8090/interaction/x',
      {},
      consent.submitter,
    );
    assert.match(sent.url, /\/confirm$/);
    assert.deepEqual(
      sent.entries.map(([field, value]) => (field === 'consent' ? `${field}=${value}` : field)),
      ['uid', 'csrf_token', 'consent=allow'],
    );
  });

  it('computes the PKCE S256 challenge of RFC 7636 Appendix B, and URL-safe randomness', () => {
    assert.equal(result.challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.deepEqual(result.random, { length: 43, unreserved: true });
    assert.equal(result.decoded, '{"nonce":"n1"}');
  });
});
