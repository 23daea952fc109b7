/**
 * A server-rendered app for tests, shaped unlike the reference server: `GET /login` renders a
 * form with a hidden CSRF input bound to a cookie, `POST /login` (form: username, password,
 * csrf_token) answers 302 to /dashboard with an `APPSESSION` cookie, and `GET /dashboard` (the
 * protected page) answers 200 HTML, or 302 to /login when the session is missing or expired.
 * The session may end a fixed time after login or after its last request, and its cookie may say
 * so with `Max-Age` (re-sent with every page for an idle timeout: a sliding session, as
 * express-session's `rolling: true`). Users are `user<N>` / `pass<N>`. Listens on 127.0.0.1,
 * port 0.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDemoUser, listenOnLoopback, readBodyText } from './loopback-http.ts';

export const SESSION_COOKIE = 'APPSESSION';
export const CSRF_COOKIE = 'csrf_binding';

export interface CsrfFormServerOptions {
  /** Session lifetime from login (or from the last request, with `idleTimeout`). Default 300. */
  sessionTtlSeconds?: number;
  /** The session ends `sessionTtlSeconds` after its last request rather than after login. */
  idleTimeout?: boolean;
  /**
   * The session cookie carries `Max-Age=<sessionTtlSeconds>`; with `idleTimeout`, every page
   * re-sends it (a sliding cookie). Default: no lifetime attribute (a browser-session cookie).
   */
  cookieMaxAge?: boolean;
  /** Accounts user1..user<users>. Default 1000. */
  users?: number;
  /** The server's clock, so tests can move time instead of sleeping. Default Date.now. */
  now?: () => number;
}

export interface CsrfFormStats {
  /** `GET /login` pages served (each with a fresh CSRF token). */
  loginPages: number;
  /** Successful logins (302 to /dashboard with a new session). */
  logins: number;
  /** Wrong user name or password (302 back to /login?error=1, no session). */
  loginFailures: number;
  /** `POST /login` refused with 403: CSRF token missing, unknown or not bound to the cookie. */
  csrfRejections: number;
  /** `GET /dashboard` answered 200. */
  dashboardOk: number;
  /** `GET /dashboard` with a session cookie that had expired or was unknown (302 to /login). */
  expiredRejections: number;
  /** `GET /dashboard` without a session cookie (302 to /login). */
  missingSession: number;
  /** `GET /dashboard` answers that re-sent the session cookie (a sliding session). */
  cookiesResent: number;
}

export interface RunningCsrfFormServer {
  url: string;
  stats(): CsrfFormStats;
  /** Every session id and CSRF token issued so far, for tests that scan output for leaks. */
  issuedSecrets(): string[];
  stop(): Promise<void>;
}

interface Session {
  username: string;
  expiresAtMs: number;
}

export async function startCsrfFormServer(
  options: CsrfFormServerOptions = {},
): Promise<RunningCsrfFormServer> {
  const sessionTtlSeconds = options.sessionTtlSeconds ?? 300;
  const sessionTtlMs = sessionTtlSeconds * 1000;
  const sessionCookie = (id: string) =>
    `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${options.cookieMaxAge ? `; Max-Age=${sessionTtlSeconds}` : ''}`;
  const sliding = options.idleTimeout === true && options.cookieMaxAge === true;
  const users = options.users ?? 1000;
  const now = options.now ?? Date.now;
  /** CSRF binding cookie → the token rendered with it (one use). */
  const csrfTokens = new Map<string, string>();
  const sessions = new Map<string, Session>();
  const stats: CsrfFormStats = {
    loginPages: 0,
    logins: 0,
    loginFailures: 0,
    csrfRejections: 0,
    dashboardOk: 0,
    expiredRejections: 0,
    missingSession: 0,
    cookiesResent: 0,
  };
  const issued: string[] = [];

  const loginPage = (res: ServerResponse) => {
    stats.loginPages += 1;
    const binding = randomBytes(16).toString('hex');
    // Standard base64 on purpose: "+", "/" and "=" must survive form encoding.
    const csrfToken = randomBytes(24).toString('base64');
    csrfTokens.set(binding, csrfToken);
    issued.push(binding, csrfToken);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Set-Cookie': `${CSRF_COOKIE}=${binding}; Path=/login; HttpOnly; SameSite=Strict`,
    });
    res.end(renderLoginPage(csrfToken));
  };

  const login = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await readBodyText(req));
    const binding = parseCookies(req.headers.cookie)[CSRF_COOKIE] ?? '';
    const expected = csrfTokens.get(binding);
    csrfTokens.delete(binding);
    const isForm = (req.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    if (!isForm || expected === undefined || form.get('csrf_token') !== expected) {
      stats.csrfRejections += 1;
      res.writeHead(403, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end('<!doctype html><title>Forbidden</title><p>Invalid CSRF token.</p>');
    }
    const username = form.get('username') ?? '';
    if (!isDemoUser(username, form.get('password') ?? '', users)) {
      stats.loginFailures += 1;
      res.writeHead(302, { Location: '/login?error=1' });
      return res.end();
    }
    stats.logins += 1;
    const sessionId = randomBytes(24).toString('base64url');
    sessions.set(sessionId, { username, expiresAtMs: now() + sessionTtlMs });
    issued.push(sessionId);
    res.writeHead(302, {
      Location: '/dashboard',
      'Set-Cookie': sessionCookie(sessionId),
    });
    res.end();
  };

  const dashboard = (req: IncomingMessage, res: ServerResponse) => {
    const sessionId = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const session = sessionId === undefined ? undefined : sessions.get(sessionId);
    if (session === undefined || session.expiresAtMs <= now()) {
      if (sessionId === undefined) stats.missingSession += 1;
      else stats.expiredRejections += 1;
      res.writeHead(302, { Location: '/login?next=%2Fdashboard' });
      return res.end();
    }
    stats.dashboardOk += 1;
    if (options.idleTimeout) session.expiresAtMs = now() + sessionTtlMs;
    const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' };
    if (sliding) {
      stats.cookiesResent += 1;
      headers['Set-Cookie'] = sessionCookie(sessionId as string);
    }
    res.writeHead(200, headers);
    res.end(
      `<!doctype html><title>Dashboard</title><h1>Welcome, ${escapeHtml(session.username)}</h1>`,
    );
  };

  const server = await listenOnLoopback((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/login') loginPage(res);
    else if (req.method === 'POST' && path === '/login') {
      login(req, res).catch(() => {
        res.writeHead(500);
        res.end();
      });
    } else if (req.method === 'GET' && path === '/dashboard') dashboard(req, res);
    else {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Not found</title>');
    }
  });
  return {
    url: server.url,
    stats: () => ({ ...stats }),
    issuedSecrets: () => [...issued],
    stop: () => server.stop(),
  };
}

/** The attribute order (value before name) and the decoy inputs are deliberate. */
function renderLoginPage(csrfToken: string): string {
  return `<!doctype html>
<html>
<head><title>Sign in</title><meta name="csrf-param" content="csrf_token"></head>
<body>
<form method="post" action="/login">
  <input type="hidden" name="next" value="/dashboard">
  <label>User <input type="text" name="username" autocomplete="username"></label>
  <label>Password <input type="password" name="password"></label>
  <input value="${escapeHtml(csrfToken)}" type='hidden' name=csrf_token>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}
