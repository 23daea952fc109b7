/**
 * An OAuth 2.0 token endpoint for tests, shaped unlike the reference server: RFC 6749 §4.3
 * password grant and §6 refresh_token grant on `POST /oauth/token` (form-encoded only, the client
 * authenticated by HTTP Basic, §2.3.1), opaque random tokens with a short `expires_in`, refresh
 * token rotation, and `GET /api/me` protected by a Bearer token (RFC 6750).
 * Users are `user<N>` / `pass<N>`. Listens on 127.0.0.1, port 0.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDemoUser, listenOnLoopback, readBodyText } from './loopback-http.ts';

export interface OAuth2ServerOptions {
  /** Access token lifetime (`expires_in`). Default 60. */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime. Default 3600. */
  refreshTokenTtlSeconds?: number;
  clientId?: string;
  clientSecret?: string;
  /** Accounts user1..user<users>. Default 1000. */
  users?: number;
  /** The server's clock, so tests can move time instead of sleeping. Default Date.now. */
  now?: () => number;
}

export interface OAuth2Stats {
  /** Tokens issued, by grant type. */
  grants: { password: number; refresh_token: number };
  /** Token requests answered 400 invalid_grant (bad password, unknown or reused refresh token). */
  invalidGrant: number;
  /** Token requests answered 401 invalid_client. */
  invalidClient: number;
  /** `/api/me` requests with a Bearer token that had expired or was unknown (401 invalid_token). */
  expiredRejections: number;
  /** `/api/me` requests answered 200. */
  protectedOk: number;
  /** Password grants by user name: shows whether VUs shared an account. */
  passwordGrantsByUser: Record<string, number>;
}

export interface RunningOAuth2Server {
  url: string;
  stats(): OAuth2Stats;
  /** Every token issued so far, for tests that scan output for leaked secrets. */
  issuedSecrets(): string[];
  stop(): Promise<void>;
}

interface Grant {
  username: string;
  expiresAtMs: number;
}

export async function startOAuth2Server(
  options: OAuth2ServerOptions = {},
): Promise<RunningOAuth2Server> {
  const accessTtlMs = (options.accessTokenTtlSeconds ?? 60) * 1000;
  const refreshTtlMs = (options.refreshTokenTtlSeconds ?? 3600) * 1000;
  const clientId = options.clientId ?? 'k6-load-test';
  const clientSecret = options.clientSecret ?? 'test-client-secret';
  const users = options.users ?? 1000;
  const now = options.now ?? Date.now;
  const accessTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  const stats: OAuth2Stats = {
    grants: { password: 0, refresh_token: 0 },
    invalidGrant: 0,
    invalidClient: 0,
    expiredRejections: 0,
    protectedOk: 0,
    passwordGrantsByUser: {},
  };
  const issued: string[] = [];

  const issue = (
    res: ServerResponse,
    username: string,
    grantType: 'password' | 'refresh_token',
  ) => {
    stats.grants[grantType] += 1;
    if (grantType === 'password') {
      stats.passwordGrantsByUser[username] = (stats.passwordGrantsByUser[username] ?? 0) + 1;
    }
    const accessToken = randomBytes(24).toString('base64url');
    const refreshToken = randomBytes(32).toString('base64url');
    accessTokens.set(accessToken, { username, expiresAtMs: now() + accessTtlMs });
    refreshTokens.set(refreshToken, { username, expiresAtMs: now() + refreshTtlMs });
    issued.push(accessToken, refreshToken);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: accessTtlMs / 1000,
      refresh_token: refreshToken,
    });
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBodyText(req);
    if (!isAuthenticClient(req.headers.authorization, clientId, clientSecret)) {
      stats.invalidClient += 1;
      res.setHeader('WWW-Authenticate', 'Basic realm="oauth"');
      return sendJson(res, 401, { error: 'invalid_client' });
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return sendJson(res, 400, { error: 'invalid_request' });
    }
    const form = new URLSearchParams(body);
    const grantType = form.get('grant_type');
    if (grantType === 'password') {
      const username = form.get('username') ?? '';
      if (!isDemoUser(username, form.get('password') ?? '', users)) {
        stats.invalidGrant += 1;
        return sendJson(res, 400, { error: 'invalid_grant' });
      }
      return issue(res, username, 'password');
    }
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const grant = refreshTokens.get(presented);
      // Rotation: a refresh token works once (RFC 6749 §10.4), so a replayed one is refused.
      refreshTokens.delete(presented);
      if (grant === undefined || grant.expiresAtMs <= now()) {
        stats.invalidGrant += 1;
        return sendJson(res, 400, { error: 'invalid_grant' });
      }
      return issue(res, grant.username, 'refresh_token');
    }
    return sendJson(res, 400, { error: 'unsupported_grant_type' });
  };

  const me = (req: IncomingMessage, res: ServerResponse) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.headers.authorization ?? '');
    if (match === null) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="api"');
      return sendJson(res, 401, { error: 'unauthorized' });
    }
    const grant = accessTokens.get(match[1] ?? '');
    if (grant === undefined || grant.expiresAtMs <= now()) {
      stats.expiredRejections += 1;
      res.setHeader('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"');
      return sendJson(res, 401, { error: 'invalid_token' });
    }
    stats.protectedOk += 1;
    return sendJson(res, 200, { username: grant.username });
  };

  const server = await listenOnLoopback((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/oauth/token') {
      token(req, res).catch(() => sendJson(res, 500, { error: 'server_error' }));
    } else if (req.method === 'GET' && path === '/api/me') me(req, res);
    else sendJson(res, 404, { error: 'not_found' });
  });
  return {
    url: server.url,
    stats: () => structuredClone(stats),
    issuedSecrets: () => [...issued],
    stop: () => server.stop(),
  };
}

/** RFC 6749 §2.3.1: Basic credentials are the form-encoded client id and secret. */
function isAuthenticClient(header: string | undefined, clientId: string, secret: string): boolean {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(header ?? '');
  if (match === null) return false;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  try {
    return (
      formDecode(decoded.slice(0, colon)) === clientId &&
      formDecode(decoded.slice(colon + 1)) === secret
    );
  } catch {
    return false;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Token responses must not be cached (RFC 6749 §5.1).
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
