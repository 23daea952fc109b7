/**
 * Writes the IdP's real pages to test/helpers/fixtures/idp/ for form-extraction tests:
 * `login.html` (the first login form), `login-error.html` (after a wrong password) and
 * `consent.html`. Run after changing idp/pages.ts:
 * `node --import tsx test/helpers/capture-idp-fixtures.ts`. The uids and CSRF tokens in them are
 * the captured run's; no password is ever on a page.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startIdp, type TestIdp } from './idp.ts';
import {
  CookieJar,
  createPkcePair,
  followRedirects,
  formOf,
  type Page,
  send,
} from './idp-browser.ts';

export const IDP_FIXTURES_DIR = fileURLToPath(new URL('./fixtures/idp/', import.meta.url));

export interface IdpPages {
  login: Page;
  loginError: Page;
  consent: Page;
}

/** The three pages of one walk with `idp`'s confidential client (a wrong password, then user1's). */
export async function captureIdpPages(idp: TestIdp): Promise<IdpPages> {
  const jar = new CookieJar();
  const url = new URL(`${idp.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: idp.clients.confidential.id,
    response_type: 'code',
    redirect_uri: idp.redirectUri,
    scope: 'openid offline_access api:read',
    resource: idp.apiResource,
    prompt: 'consent',
    state: 'fixture-state',
    code_challenge: createPkcePair().challenge,
    code_challenge_method: 'S256',
  }).toString();
  const walked = await followRedirects(jar, await send(jar, url), idp.redirectUri);
  if (!('page' in walked)) throw new Error('the authorization request skipped the login page');
  const login = walked.page;
  const post = (page: Page, fields: Record<string, string>) => {
    const form = formOf(page);
    return send(jar, form.action, { method: 'POST', form: { ...form.inputs, ...fields } });
  };
  const loginError = await post(login, { username: 'user1', password: 'wrong' });
  const afterLogin = await followRedirects(
    jar,
    await post(loginError, { username: 'user1', password: 'pass1' }),
    idp.redirectUri,
  );
  if (!('page' in afterLogin)) throw new Error('the login skipped the consent page');
  return { login, loginError, consent: afterLogin.page };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const idp = await startIdp();
  try {
    const pages = await captureIdpPages(idp);
    await mkdir(IDP_FIXTURES_DIR, { recursive: true });
    await writeFile(`${IDP_FIXTURES_DIR}login.html`, pages.login.text);
    await writeFile(`${IDP_FIXTURES_DIR}login-error.html`, pages.loginError.text);
    await writeFile(`${IDP_FIXTURES_DIR}consent.html`, pages.consent.text);
    process.stdout.write(`IdP pages written to ${IDP_FIXTURES_DIR}\n`);
  } finally {
    await idp.stop();
  }
}
