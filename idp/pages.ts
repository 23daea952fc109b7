/**
 * The IdP's server-rendered pages: the login form, the consent form and an error page. They look
 * like a real provider's (Keycloak's login: hidden inputs, `username` and `password`, an error
 * box above the form after a wrong password), so a form walker is tested against what it meets
 * in the field. Every dynamic value is HTML-escaped; no page ever contains a password.
 */
import type { ServerResponse } from 'node:http';

/** The name of the hidden input that carries the per-interaction CSRF token. */
export const CSRF_FIELD = 'csrf_token';
/** The message a wrong user name or password gets, Keycloak's wording. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid username or password.';

export interface LoginPageView {
  uid: string;
  csrfToken: string;
  clientName: string;
  /** Kept in the user name field after a failed attempt. */
  username?: string;
  error?: string;
}

export interface ConsentPageView {
  uid: string;
  csrfToken: string;
  clientName: string;
  accountId: string;
  /** What the client asks for, one line each (e.g. `openid`, `api:read on http://…/api`). */
  requested: readonly string[];
}

/** `&`, `<`, `>`, `"` and `'` as entities: safe in text and in double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0}
main{max-width:24rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin-top:1rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}
button{margin-top:1.5rem;padding:.6rem 1.2rem}.alert-error{background:#fde8e8;color:#9b1c1c;padding:.75rem;border-radius:.25rem}
ul{padding-left:1.2rem}.secondary{background:none;border:1px solid #999}`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)} | k6-auth-toolkit IdP</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function hiddenInputs(uid: string, csrfToken: string): string {
  return `<input type="hidden" name="uid" value="${escapeHtml(uid)}">
<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrfToken)}">`;
}

/** The sign-in form: POST `/interaction/<uid>/login` with `username` and `password`. */
export function renderLoginPage(view: LoginPageView): string {
  const error =
    view.error === undefined
      ? ''
      : `<div id="input-error" class="alert-error" role="alert">${escapeHtml(view.error)}</div>\n`;
  const uid = escapeHtml(view.uid);
  return layout(
    'Sign in',
    `<h1>Sign in to your account</h1>
<p>to continue to <strong>${escapeHtml(view.clientName)}</strong></p>
${error}<form id="kc-form-login" action="/interaction/${uid}/login" method="post">
${hiddenInputs(view.uid, view.csrfToken)}
<label for="username">Username</label>
<input id="username" name="username" type="text" value="${escapeHtml(view.username ?? '')}" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" value="" autocomplete="current-password" required>
<button id="kc-login" type="submit" name="login" value="sign-in">Sign in</button>
</form>`,
  );
}

/** The consent form: POST `/interaction/<uid>/confirm` to allow, `/interaction/<uid>/abort` to deny. */
export function renderConsentPage(view: ConsentPageView): string {
  const uid = escapeHtml(view.uid);
  const items = view.requested.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n');
  return layout(
    'Authorize',
    `<h1>Authorize ${escapeHtml(view.clientName)}</h1>
<p>Signed in as <strong>${escapeHtml(view.accountId)}</strong>. The application asks for:</p>
<ul>
${items}
</ul>
<form id="consent-form" action="/interaction/${uid}/confirm" method="post">
${hiddenInputs(view.uid, view.csrfToken)}
<button id="consent-allow" type="submit" name="consent" value="allow">Allow</button>
</form>
<form id="consent-deny-form" action="/interaction/${uid}/abort" method="post">
${hiddenInputs(view.uid, view.csrfToken)}
<button id="consent-deny" class="secondary" type="submit">Deny</button>
</form>`,
  );
}

/** An error page: a heading and the pairs of `details` (e.g. `error`, `error_description`). */
export function renderErrorPage(title: string, details: Record<string, string>): string {
  const lines = Object.entries(details)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('\n');
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n${lines}`);
}

/** Sends an HTML page: never cached, never framed, no scripts. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}
