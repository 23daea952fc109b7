/**
 * The forms of an identity provider's pages, as plain data (lib/k6 reads them with k6's own HTML
 * parser): which form is the login form and which the consent form, and what submitting one
 * sends, as a browser would (HTML §4.10.21.4 "constructing the entry list"): every named control,
 * hidden inputs kept, unchecked boxes and the other buttons left out.
 */
import type { FormField, HtmlForm, HtmlPage } from '../../http-types.ts';
import type { TargetProfile } from '../profile.ts';
import { resolveUrl } from './urls.ts';

/** The roles a walk marks forms with, when the profile gives their CSS selector. */
export const LOGIN_ROLE = 'login';
export const CONSENT_ROLE = 'consent';

/** What to ask lib/k6 to read from each page: the configured form selectors, by role. */
export function pageSelectors(profile: TargetProfile): Record<string, string> {
  const selectors: Record<string, string> = {};
  const { loginForm, consentForm } = profile.oauth;
  if (loginForm !== null) selectors[LOGIN_ROLE] = loginForm;
  if (consentForm !== null) selectors[CONSENT_ROLE] = consentForm;
  return selectors;
}

/** The login form: the configured selector's, else the first form with a password input. */
export function findLoginForm(profile: TargetProfile, page: HtmlPage): HtmlForm | undefined {
  if (profile.oauth.loginForm !== null) return page.forms.find((f) => f.roles.includes(LOGIN_ROLE));
  return page.forms.find((form) => form.fields.some((field) => field.type === 'password'));
}

/**
 * An identifier-first page's form: no password input, but a user name field (the profile's name,
 * or an email or text input) and a button. Only asked for before the password was sent.
 */
export function findIdentifierForm(
  profile: TargetProfile,
  page: HtmlPage,
): { form: HtmlForm; field: string } | undefined {
  for (const form of page.forms) {
    if (form.fields.some((f) => f.type === 'password')) continue;
    const field = userNameField(profile, form);
    if (field !== undefined) return { form, field };
  }
  return undefined;
}

const APPROVES = /approve|allow|accept|consent|grant|authori[sz]e|\byes\b|confirm|continue/i;
const REFUSES = /deny|reject|refuse|cancel|decline|abort|\bno\b/i;

/**
 * The consent form and the button that approves: the configured selector's form, else the first
 * form with a control (a button's name, value or label, or a hidden input's value) that approves
 * ("approve", "allow", "accept"…) rather than refuses ("deny", "cancel"…). Keycloak puts both
 * buttons in one form; Dex puts each in its own.
 */
export function findConsentForm(
  profile: TargetProfile,
  page: HtmlPage,
): { form: HtmlForm; submitter?: FormField } | undefined {
  const configured = profile.oauth.consentForm !== null;
  for (const form of page.forms) {
    if (configured && !form.roles.includes(CONSENT_ROLE)) continue;
    const approving = form.fields.filter(
      (field) => (field.type === 'submit' || field.type === 'hidden') && approves(field),
    );
    const refusing = form.fields.some((field) => field.type === 'hidden' && refuses(field));
    if (!configured && (approving.length === 0 || refusing)) continue;
    const submits = form.fields.filter((field) => field.type === 'submit');
    const submitter =
      submits.find((field) => approves(field)) ?? submits.find((field) => !refuses(field));
    return submitter === undefined ? { form } : { form, submitter };
  }
  return undefined;
}

/** The login form's user name field: the profile's name when the form has it, else the first text input. */
export function userNameField(profile: TargetProfile, form: HtmlForm): string | undefined {
  const named = form.fields.find(
    (f) => f.name === profile.login.usernameField && f.type !== 'hidden',
  );
  if (named !== undefined) return named.name;
  return form.fields.find((f) => ['text', 'email', 'tel'].includes(f.type))?.name;
}

/** The login form's password field: the profile's name when the form has it, else the first password input. */
export function passwordField(profile: TargetProfile, form: HtmlForm): string | undefined {
  const password = form.fields.filter((f) => f.type === 'password');
  return (password.find((f) => f.name === profile.login.passwordField) ?? password[0])?.name;
}

export interface FormSubmission {
  method: 'GET' | 'POST';
  url: string;
  /** Name-value pairs in document order; a name may repeat. */
  entries: [string, string][];
}

/**
 * What a browser sends for `form` on the page at `pageUrl`, clicked with `submitter` (or its
 * first button), with `values` filled in by field name.
 */
export function submitForm(
  form: HtmlForm,
  pageUrl: string,
  values: Record<string, string>,
  submitter?: FormField,
): FormSubmission {
  const clicked = submitter ?? form.fields.find((field) => field.type === 'submit');
  const entries: [string, string][] = [];
  for (const field of form.fields) {
    if (field.name === '') continue;
    if (field.type === 'submit' ? field !== clicked : !isSubmitted(field)) continue;
    entries.push([field.name, values[field.name] ?? field.value]);
  }
  for (const [name, value] of Object.entries(values)) {
    if (!form.fields.some((field) => field.name === name)) entries.push([name, value]);
  }
  return {
    method: form.method === 'post' ? 'POST' : 'GET',
    url: resolveUrl(pageUrl, form.action),
    entries,
  };
}

function isSubmitted(field: FormField): boolean {
  if (['button', 'reset', 'image', 'file'].includes(field.type)) return false;
  return field.checked;
}

function approves(field: FormField): boolean {
  const text = `${field.name} ${field.value} ${field.label ?? ''}`;
  return APPROVES.test(text) && !REFUSES.test(field.value);
}

function refuses(field: FormField): boolean {
  return REFUSES.test(`${field.value} ${field.label ?? ''}`);
}
