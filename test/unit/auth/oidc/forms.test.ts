import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONSENT_ROLE,
  findConsentForm,
  findLoginForm,
  LOGIN_ROLE,
  pageSelectors,
  passwordField,
  submitForm,
  userNameField,
} from '../../../../lib/core/auth/oidc/forms.ts';
import type { TargetProfile } from '../../../../lib/core/auth/profile.ts';
import type { FormField, HtmlForm, HtmlPage } from '../../../../lib/core/http-types.ts';
import { profileFromJson } from '../../../helpers/profiles.ts';

/** The profile file's fields: the form selectors, the login's field names. */
const profileWith = (fields: Partial<Record<keyof TargetProfile, object>> = {}) =>
  profileFromJson(fields, {
    AUTH_MODE: 'authorization-code',
    OIDC_ISSUER: 'http://127.0.0.1:9000',
    CLIENT_ID: 'k6',
    REDIRECT_URI: 'http://127.0.0.1:9/cb',
  });
const profile = profileWith();

function field(name: string, type: string, value = '', extra: Partial<FormField> = {}): FormField {
  return { name, type, value, checked: true, ...extra };
}
function form(fields: FormField[], extra: Partial<HtmlForm> = {}): HtmlForm {
  return { action: '', method: 'post', fields, roles: [], ...extra };
}
const page = (...forms: HtmlForm[]): HtmlPage => ({ forms, meta: {} });

const KEYCLOAK_PAGE = 'http://127.0.0.1:9000/realms/k6/protocol/openid-connect/auth?client_id=k6';
// Keycloak's login.ftl: form#kc-form-login, a hidden credentialId, "Remember me" unchecked.
const keycloakLogin = form(
  [
    field('username', 'text'),
    field('password', 'password'),
    field('rememberMe', 'checkbox', 'on', { checked: false }),
    field('credentialId', 'hidden', ''),
    field('login', 'submit', 'Sign In', { label: 'Sign In' }),
  ],
  {
    action:
      'http://127.0.0.1:9000/realms/k6/login-actions/authenticate?session_code=sc1&execution=ex1&client_id=k6&tab_id=t1',
  },
);
const keycloakLanguage = form([field('kc_locale', 'select', 'en')], { method: 'get' });

// oidc-provider's dev interactions: hidden inputs beside `login` and `password`.
const OIDC_PROVIDER_PAGE = 'http://127.0.0.1:9000/interaction/i-1';
const oidcProviderLogin = form(
  [
    field('prompt', 'hidden', 'login'),
    field('login', 'text'),
    field('password', 'password'),
    field('', 'submit', '', { label: 'Sign-in' }),
  ],
  { action: '/interaction/i-1/login' },
);

// Dex's password.html: `login` and `password`, posting back to the page.
const DEX_PAGE = 'http://127.0.0.1:5556/dex/auth/local/login?back=&state=st1';
const dexLogin = form(
  [
    field('login', 'text'),
    field('password', 'password'),
    field('', 'submit', '', { label: 'Login' }),
  ],
  { action: '' },
);

// Dex's approval.html: one form per answer, each with a hidden `approval`.
const DEX_APPROVAL_PAGE = 'http://127.0.0.1:5556/dex/approval?req=r1&hmac=h1';
const dexReject = form(
  [
    field('req', 'hidden', 'r1'),
    field('approval', 'hidden', 'rejected'),
    field('', 'submit', '', { label: 'Cancel' }),
  ],
  { action: '' },
);
const dexApprove = form(
  [
    field('req', 'hidden', 'r1'),
    field('approval', 'hidden', 'approve'),
    field('', 'submit', '', { label: 'Grant Access' }),
  ],
  { action: '' },
);

// Keycloak's login-oauth-grant.ftl: one form, two submit inputs.
const keycloakConsent = form(
  [
    field('code', 'hidden', 'consent-code'),
    field('accept', 'submit', 'Yes', { label: 'Yes' }),
    field('cancel', 'submit', 'No', { label: 'No' }),
  ],
  { action: '/realms/k6/login-actions/consent?client_id=k6' },
);

describe('pageSelectors', () => {
  it('asks for nothing when no selector is configured', () => {
    assert.deepEqual(pageSelectors(profile), {});
  });

  it('asks for the configured login and consent selectors, by role', () => {
    const configured = profileWith({
      oauth: { loginForm: 'form#kc-form-login', consentForm: '#kc-oauth form' },
    });
    assert.deepEqual(pageSelectors(configured), {
      [LOGIN_ROLE]: 'form#kc-form-login',
      [CONSENT_ROLE]: '#kc-oauth form',
    });
  });
});

describe('findLoginForm', () => {
  it('finds Keycloak’s login form, not the language form before it', () => {
    assert.equal(findLoginForm(profile, page(keycloakLanguage, keycloakLogin)), keycloakLogin);
  });

  it('finds the login forms of oidc-provider and Dex by their password input', () => {
    assert.equal(findLoginForm(profile, page(oidcProviderLogin)), oidcProviderLogin);
    assert.equal(findLoginForm(profile, page(dexLogin)), dexLogin);
  });

  it('takes only the form the configured selector matched', () => {
    const configured = profileWith({ oauth: { loginForm: 'form#kc-form-login' } });
    const marked = { ...keycloakLogin, roles: [LOGIN_ROLE] };
    assert.equal(findLoginForm(configured, page(keycloakLogin)), undefined);
    assert.equal(findLoginForm(configured, page(keycloakLanguage, marked)), marked);
  });

  it('finds none on a page without forms, or on a consent page', () => {
    assert.equal(findLoginForm(profile, page()), undefined);
    assert.equal(findLoginForm(profile, page(dexReject, dexApprove)), undefined);
    assert.equal(findLoginForm(profile, page(keycloakConsent)), undefined);
  });
});

describe('findConsentForm', () => {
  it('picks Dex’s approving form of the two, and its button', () => {
    assert.deepEqual(findConsentForm(profile, page(dexReject, dexApprove)), {
      form: dexApprove,
      submitter: dexApprove.fields[2],
    });
  });

  it('picks Dex’s approving form when it comes first too', () => {
    assert.equal(findConsentForm(profile, page(dexApprove, dexReject))?.form, dexApprove);
  });

  it('picks the accept button of Keycloak’s one form, not the cancel button', () => {
    assert.deepEqual(findConsentForm(profile, page(keycloakConsent)), {
      form: keycloakConsent,
      submitter: keycloakConsent.fields[1],
    });
  });

  it('picks a button by its label when it has no name or value', () => {
    const allow = field('', 'submit', '', { label: 'Allow' });
    const deny = field('', 'submit', '', { label: 'Deny' });
    const both = form([deny, allow]);
    assert.deepEqual(findConsentForm(profile, page(both)), { form: both, submitter: allow });
  });

  it('takes the configured selector’s form even without a recognised button', () => {
    const configured = profileWith({ oauth: { consentForm: '#consent' } });
    const go = field('', 'submit', '', { label: 'Weiter' });
    const custom = form([field('x', 'hidden', '1'), go], { roles: [CONSENT_ROLE] });
    assert.deepEqual(findConsentForm(configured, page(dexApprove, custom)), {
      form: custom,
      submitter: go,
    });
  });

  it('finds none on a page without forms, or with only a refusing or a login form', () => {
    assert.equal(findConsentForm(profile, page()), undefined);
    assert.equal(findConsentForm(profile, page(dexReject)), undefined);
    assert.equal(findConsentForm(profile, page(keycloakLanguage)), undefined);
  });
});

describe('userNameField and passwordField', () => {
  it('detect the fields of Keycloak’s form under the default names', () => {
    assert.equal(userNameField(profile, keycloakLogin), 'username');
    assert.equal(passwordField(profile, keycloakLogin), 'password');
  });

  it('detect `login` as the user name of oidc-provider and Dex: the first text input', () => {
    assert.equal(userNameField(profile, oidcProviderLogin), 'login');
    assert.equal(userNameField(profile, dexLogin), 'login');
    assert.equal(passwordField(profile, dexLogin), 'password');
  });

  it('take the configured names over detection when the form has them', () => {
    const configured = profileWith({ login: { usernameField: 'email', passwordField: 'pin' } });
    const both = form([
      field('nickname', 'text'),
      field('email', 'email'),
      field('old', 'password'),
      field('pin', 'password'),
    ]);
    assert.equal(userNameField(configured, both), 'email');
    assert.equal(passwordField(configured, both), 'pin');
  });

  it('fall back to detection when the form lacks the configured names', () => {
    const configured = profileWith({ login: { usernameField: 'email', passwordField: 'pin' } });
    assert.equal(userNameField(configured, dexLogin), 'login');
    assert.equal(passwordField(configured, dexLogin), 'password');
  });

  it('never take a hidden input as the user name', () => {
    const hidden = form([field('username', 'hidden', 'x'), field('password', 'password')]);
    assert.equal(userNameField(profile, hidden), undefined);
  });

  it('find nothing in a form without such inputs', () => {
    assert.equal(userNameField(profile, dexApprove), undefined);
    assert.equal(passwordField(profile, dexApprove), undefined);
  });
});

describe('submitForm', () => {
  it('sends Keycloak’s hidden input and the account, leaves the unchecked box out, to its action', () => {
    assert.deepEqual(
      submitForm(keycloakLogin, KEYCLOAK_PAGE, { username: 'user1', password: 'pass1' }),
      {
        method: 'POST',
        url: keycloakLogin.action,
        entries: [
          ['username', 'user1'],
          ['password', 'pass1'],
          ['credentialId', ''],
          ['login', 'Sign In'],
        ],
      },
    );
  });

  it('sends a checked box with its value', () => {
    const remembered = form([
      field('remember', 'checkbox', 'on'),
      field('x', 'radio', 'a', { checked: false }),
    ]);
    assert.deepEqual(submitForm(remembered, DEX_PAGE, {}).entries, [['remember', 'on']]);
  });

  it('resolves a relative action against the page URL', () => {
    const sent = submitForm(oidcProviderLogin, OIDC_PROVIDER_PAGE, { login: 'u', password: 'p' });
    assert.equal(sent.url, 'http://127.0.0.1:9000/interaction/i-1/login');
    assert.deepEqual(sent.entries, [
      ['prompt', 'login'],
      ['login', 'u'],
      ['password', 'p'],
    ]);
  });

  it('posts to the page URL itself when the action is empty', () => {
    assert.equal(submitForm(dexLogin, DEX_PAGE, {}).url, DEX_PAGE);
  });

  it('sends only the clicked button, of Keycloak’s two', () => {
    const cancel = keycloakConsent.fields[2];
    const page = 'http://127.0.0.1:9000/realms/k6/login-actions/authenticate?x=1';
    assert.deepEqual(submitForm(keycloakConsent, page, {}, keycloakConsent.fields[1]), {
      method: 'POST',
      url: 'http://127.0.0.1:9000/realms/k6/login-actions/consent?client_id=k6',
      entries: [
        ['code', 'consent-code'],
        ['accept', 'Yes'],
      ],
    });
    assert.deepEqual(submitForm(keycloakConsent, page, {}, cancel).entries, [
      ['code', 'consent-code'],
      ['cancel', 'No'],
    ]);
  });

  it('sends the first button when none is given', () => {
    assert.deepEqual(submitForm(keycloakConsent, DEX_PAGE, {}).entries, [
      ['code', 'consent-code'],
      ['accept', 'Yes'],
    ]);
  });

  it('submits Dex’s approval with its hidden inputs; a nameless button adds nothing', () => {
    const chosen = findConsentForm(profile, page(dexReject, dexApprove));
    assert.ok(chosen);
    assert.deepEqual(submitForm(chosen.form, DEX_APPROVAL_PAGE, {}, chosen.submitter), {
      method: 'POST',
      url: DEX_APPROVAL_PAGE,
      entries: [
        ['req', 'r1'],
        ['approval', 'approve'],
      ],
    });
  });

  it('lets values override a field’s own value, and adds values the form has no field for', () => {
    const sent = submitForm(keycloakLogin, KEYCLOAK_PAGE, { credentialId: 'c1', extra: 'e' });
    assert.deepEqual(sent.entries, [
      ['username', ''],
      ['password', ''],
      ['credentialId', 'c1'],
      ['login', 'Sign In'],
      ['extra', 'e'],
    ]);
  });

  it('leaves out plain, reset, image and file buttons', () => {
    const odd = form([
      field('b', 'button', '1'),
      field('r', 'reset', '1'),
      field('i', 'image', '1'),
      field('f', 'file', ''),
      field('t', 'textarea', 'hello'),
      field('s', 'select', 'opt'),
    ]);
    assert.deepEqual(submitForm(odd, DEX_PAGE, {}).entries, [
      ['t', 'hello'],
      ['s', 'opt'],
    ]);
  });

  it('uses GET for a form with method get, and POST only for post', () => {
    assert.equal(submitForm(keycloakLanguage, KEYCLOAK_PAGE, {}).method, 'GET');
    assert.equal(submitForm(form([], { method: 'dialog' }), KEYCLOAK_PAGE, {}).method, 'GET');
    assert.equal(submitForm(keycloakLogin, KEYCLOAK_PAGE, {}).method, 'POST');
  });
});
