/**
 * A real OpenID provider on loopback for tests and `npm start`: panva's oidc-provider (OpenID
 * Certified) with this IdP's own login and consent pages, a protected API on the same origin and
 * counters at `/__stats`. `createIdp` configures; `listen` binds 127.0.0.1 first, because the
 * issuer (and so every URL in the discovery document) carries the port.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { type JWK, Provider } from 'oidc-provider';
import { isLoopbackAddress } from '../server/loopback.ts';
import { sendJson } from '../server/respond.ts';
import { createUserStore } from '../server/users.ts';
import { CALLBACK_PATH } from './clients.ts';
import { providerConfiguration } from './configuration.ts';
import { createInteractionRoutes } from './interactions.ts';
import { renderErrorPage, sendHtml } from './pages.ts';
import { answerProtected, PROTECTED_PATH } from './protected-api.ts';
import { createIdpStats, type IdpStatsSnapshot } from './stats.ts';
import { createIdpStore } from './store.ts';

const HOST = '127.0.0.1';
const STATS_PATH = '/__stats';
const USERNAME = /^user([1-9]\d{0,6})$/;

export interface IdpOptions {
  /** Access token lifetime, code flow and client credentials alike (default 300). */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime; each rotation starts a new one (default 86400). */
  refreshTokenTtlSeconds?: number;
  /** Demo accounts `user1..userN` with passwords `pass1..passN` (default 1000). */
  users?: number;
  /** false skips the consent page: login makes the grant (default true). */
  consent?: boolean;
  /** scrypt `N` of the password check, as the reference server's SCRYPT_COST (default 16384). */
  scryptCost?: number;
}

export interface Idp {
  /** Binds 127.0.0.1:`port` (0, the default, picks a free port) and starts the provider. */
  listen(port?: number): Promise<void>;
  /** `http://127.0.0.1:<port>`, no trailing slash; only once listening. */
  readonly issuer: string;
  /** `<issuer>/api/protected`. */
  readonly protectedUrl: string;
  /** The protected API's resource indicator (RFC 8707) and its tokens' `aud`: `<issuer>/api`. */
  readonly apiResource: string;
  /** The code-flow clients' one redirect URI: `<issuer>/callback`. */
  readonly redirectUri: string;
  stats(): IdpStatsSnapshot;
  resetStats(): void;
  /** Stops listening and closes every connection (keep-alive ones at once). */
  close(): Promise<void>;
}

/** An IdP with `options`; nothing listens until `listen()`. */
export function createIdp(options: IdpOptions = {}): Idp {
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 300;
  const refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? 86_400;
  const userCount = options.users ?? 1000;
  const consent = options.consent ?? true;
  const users = createUserStore(userCount, options.scryptCost ?? 16_384);
  const isAccount = (name: string) => {
    const index = Number(USERNAME.exec(name)?.[1] ?? 0);
    return index >= 1 && index <= userCount;
  };
  const stats = createIdpStats();
  const store = createIdpStore();

  let server: Server | undefined;
  let issuer: string | undefined;
  const requireIssuer = (): string => {
    if (issuer === undefined) throw new Error('the IdP has no issuer before listen() resolves');
    return issuer;
  };

  const listen = async (port = 0) => {
    if (server !== undefined) throw new Error('the IdP is already listening');
    let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    const bound = createServer((req, res) => {
      if (handler === undefined) {
        sendJson(res, 503, { error: 'starting', message: 'the IdP is starting' });
        return;
      }
      handler(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      bound.once('error', reject);
      bound.listen(port, HOST, () => {
        bound.off('error', reject);
        resolve();
      });
    });
    server = bound;
    const { port: boundPort } = bound.address() as AddressInfo;
    const origin = `http://${HOST}:${boundPort}`;
    const apiResource = `${origin}/api`;
    const provider = new Provider(
      origin,
      providerConfiguration({
        issuer: origin,
        apiResource,
        accessTokenTtlSeconds,
        refreshTokenTtlSeconds,
        consent,
        isAccount,
        adapter: (model: string) => store.adapterFor(model),
        signingKeys: [await generateSigningKey()],
        cookieKeys: [randomBytes(32).toString('base64url')],
        onConsentSkipped: () => stats.consentSkipped(),
        renderError: (ctx, out) => {
          ctx.type = 'html';
          ctx.body = renderErrorPage('Sign-in failed', stringValues(out));
        },
      }),
    );
    stats.listenTo(provider);
    const interactions = createInteractionRoutes({ provider, stats, users, isAccount });
    const oidc = provider.callback();
    handler = (req, res) => {
      void route(req, res).catch((error: unknown) => {
        stats.serverError();
        process.stderr.write(
          `IdP request failed: ${(error as Error).name}: ${(error as Error).message}\n`,
        );
        if (res.headersSent) res.destroy();
        else
          sendJson(res, 500, { error: 'server_error', message: 'the IdP failed on this request' });
      });
    };
    const route = async (req: IncomingMessage, res: ServerResponse) => {
      const pathname = new URL(req.url ?? '/', origin).pathname;
      if (pathname === STATS_PATH || pathname === `${STATS_PATH}/reset`) {
        answerStats(req, res, pathname);
        return;
      }
      if (pathname === PROTECTED_PATH) {
        await answerProtected(req, res, { provider, stats, apiResource });
        return;
      }
      if (pathname === CALLBACK_PATH) {
        // The code walks stop at the redirect; a browser that follows it sees this page.
        sendHtml(
          res,
          200,
          renderErrorPage('Signed in', { next: 'the application can now exchange its code' }),
        );
        return;
      }
      if (await interactions(req, res, pathname)) return;
      if (pathname === '/auth' && req.method === 'GET') stats.authorizeRequest();
      await oidc(req, res);
    };
    issuer = origin;
  };

  const answerStats = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      sendJson(res, 403, {
        error: 'forbidden',
        message: 'the stats are for loopback clients only',
      });
      return;
    }
    if (pathname === STATS_PATH && req.method === 'GET') {
      sendJson(res, 200, stats.snapshot());
    } else if (pathname !== STATS_PATH && req.method === 'POST') {
      stats.reset();
      sendJson(res, 200, stats.snapshot());
    } else {
      sendJson(res, 405, {
        error: 'method_not_allowed',
        message: 'expected GET /__stats or POST /__stats/reset',
      });
    }
  };

  return {
    listen,
    get issuer() {
      return requireIssuer();
    },
    get protectedUrl() {
      return `${requireIssuer()}${PROTECTED_PATH}`;
    },
    get apiResource() {
      return `${requireIssuer()}/api`;
    },
    get redirectUri() {
      return `${requireIssuer()}${CALLBACK_PATH}`;
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close: async () => {
      store.close();
      const bound = server;
      if (bound === undefined) return;
      await new Promise<void>((resolve) => {
        bound.close(() => resolve());
        bound.closeAllConnections();
      });
    },
  };
}

/** A fresh RS256 key per start: ID tokens are signed with it and `/jwks` publishes it. */
async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' } as JWK;
}

function stringValues(out: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(out)
      .filter(([, value]) => typeof value === 'string')
      .map(([key, value]) => [key, value as string]),
  );
}
