/**
 * The identity provider of idp/ in this process on a free loopback port, for integration tests
 * of the OIDC modes: `await startIdp({ accessTokenTtlSeconds: 1 })`, then always `await stop()`.
 * Its clients' ids and demo secrets come with it, so a test never spells a secret itself.
 */
import { after, before } from 'node:test';
import {
  CONFIDENTIAL_CLIENT_ID,
  CONFIDENTIAL_CLIENT_SECRET,
  CONFIDENTIAL_POST_CLIENT_ID,
  CONFIDENTIAL_POST_CLIENT_SECRET,
  PUBLIC_CLIENT_ID,
  SERVICE_CLIENT_ID,
  SERVICE_CLIENT_SECRET,
} from '../../idp/clients.ts';
import { createIdp, type IdpOptions } from '../../idp/provider.ts';
import type { IdpStatsSnapshot } from '../../idp/stats.ts';

export type IdpClientAuth = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface IdpClient {
  id: string;
  /** Absent for the public client. */
  secret?: string;
  auth: IdpClientAuth;
}

export interface IdpClients {
  /** Code flow, `client_secret_basic`. */
  confidential: IdpClient;
  /** Code flow, `client_secret_post`. */
  confidentialPost: IdpClient;
  /** Code flow, no secret. */
  public: IdpClient;
  /** Client credentials, `client_secret_basic`. */
  service: IdpClient;
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`: discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** `GET` with `Authorization: Bearer <access token>`. */
  protectedUrl: string;
  /** The `resource` (RFC 8707) of the protected API: `<issuer>/api`. */
  apiResource: string;
  /** The code-flow clients' registered redirect URI. */
  redirectUri: string;
  clients: IdpClients;
  /** `GET /__stats`, over HTTP like any other client of the IdP. */
  stats(): Promise<IdpStatsSnapshot>;
  /** `POST /__stats/reset`. */
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

export const IDP_CLIENTS: IdpClients = {
  confidential: {
    id: CONFIDENTIAL_CLIENT_ID,
    secret: CONFIDENTIAL_CLIENT_SECRET,
    auth: 'client_secret_basic',
  },
  confidentialPost: {
    id: CONFIDENTIAL_POST_CLIENT_ID,
    secret: CONFIDENTIAL_POST_CLIENT_SECRET,
    auth: 'client_secret_post',
  },
  public: { id: PUBLIC_CLIENT_ID, auth: 'none' },
  service: { id: SERVICE_CLIENT_ID, secret: SERVICE_CLIENT_SECRET, auth: 'client_secret_basic' },
};

/** Starts an IdP with cheap scrypt (N = 16) and 10 demo users unless `options` says otherwise. */
export async function startIdp(options: IdpOptions = {}): Promise<TestIdp> {
  const idp = createIdp({ scryptCost: 16, users: 10, ...options });
  await idp.listen(0);
  const { issuer } = idp;
  const admin = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${issuer}${path}`, { method });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  let stopped = false;
  return {
    issuer,
    protectedUrl: idp.protectedUrl,
    apiResource: idp.apiResource,
    redirectUri: idp.redirectUri,
    clients: IDP_CLIENTS,
    stats: async () => (await admin('GET', '/__stats')) as IdpStatsSnapshot,
    resetStats: async () => {
      await admin('POST', '/__stats/reset');
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await idp.close();
    },
  };
}

/**
 * For a `describe` block: an IdP started before its tests and stopped after them. The object
 * returned stands for it from the first test on.
 */
export function idpForSuite(options: IdpOptions = {}): TestIdp {
  let started: TestIdp | undefined;
  before(async () => {
    started = await startIdp(options);
  });
  after(async () => {
    await started?.stop();
  });
  const live = (): TestIdp => {
    if (started === undefined) throw new Error('the IdP is used before its suite began');
    return started;
  };
  return {
    get issuer() {
      return live().issuer;
    },
    get protectedUrl() {
      return live().protectedUrl;
    },
    get apiResource() {
      return live().apiResource;
    },
    get redirectUri() {
      return live().redirectUri;
    },
    clients: IDP_CLIENTS,
    stats: () => live().stats(),
    resetStats: () => live().resetStats(),
    stop: () => live().stop(),
  };
}
