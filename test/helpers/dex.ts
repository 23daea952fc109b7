/**
 * Starts Dex (provisioned by test/helpers/provision-dex.ts) as a child process on a free loopback port,
 * with a generated config in a temp folder: memory storage, the local password DB holding the
 * demo users, one confidential, one public and one client-credentials client. For tests that need
 * a second, independent OpenID provider. Always `await dex.stop()` (e.g. in `after`).
 * What Dex's pages and endpoints look like is written up in test/helpers/dex.md.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DexBinaries, provisionDex } from './provision-dex.ts';

export interface DexOptions {
  /** Lifetime of access and ID tokens (Dex's `expiry.idTokens` sets both); default 300. */
  accessTtlSeconds?: number;
  /** Demo accounts `user<N>` / `pass<N>`, N = 1..users; default 3. */
  users?: number;
  /** Whether Dex shows its approval screen (`oauth2.skipApprovalScreen: false`); default true. */
  consent?: boolean;
}

export interface DexClients {
  /** Authorization code (+ PKCE) with `client_secret_basic` or `client_secret_post`. */
  confidential: { id: string; secret: string };
  /** Authorization code with PKCE and no secret. */
  public: { id: string };
  /** `client_credentials` only (it has no redirect URI). */
  clientCredentials: { id: string; secret: string };
}

export interface Dex {
  /** `http://127.0.0.1:<port>/dex`; discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clients: DexClients;
  /** Registered for both login clients; nothing listens there, a walker stops at the redirect. */
  redirectUri: string;
  /** Dex's userinfo endpoint: takes the access token as `Authorization: Bearer`. */
  protectedUrl: string;
  /** How many demo accounts the password DB holds. */
  users: number;
  /** What Dex logged so far (JSON lines, level warn and up; no passwords or tokens). */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s), then removes the temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;

/** Bcrypt hashes for `passwords`, in order, from the helper built beside Dex (stdin, never argv). */
export function hashPasswords(bcryptHash: string, passwords: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(bcryptHash, [], { timeout: 60_000 }, (error, stdout) => {
      if (error) return reject(new Error(`bcrypt-hash failed: ${error.message.split('\n')[0]}`));
      const hashes = stdout.trim().split('\n');
      if (hashes.length !== passwords.length) {
        return reject(
          new Error(`bcrypt-hash: expected ${passwords.length} hashes, got ${hashes.length}`),
        );
      }
      resolve(hashes);
    });
    child.stdin?.end(passwords.map((password) => `${password}\n`).join(''));
  });
}

/** A free loopback port: Dex needs it before it starts, because the issuer URL names it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface ConfigInput {
  port: number;
  clients: DexClients;
  redirectUri: string;
  hashes: string[];
  accessTtlSeconds: number;
  consent: boolean;
}

/** Dex's config file (JSON is YAML); see config.yaml.dist in Dex's module for every key. */
export function dexConfig(input: ConfigInput): object {
  const { port, clients, redirectUri } = input;
  return {
    issuer: `http://127.0.0.1:${port}/dex`,
    storage: { type: 'memory' },
    web: { http: `127.0.0.1:${port}` },
    logger: { level: 'warn', format: 'json' },
    enablePasswordDB: true,
    // Dex's password DB looks users up by `email`; a bare `user<N>` is accepted there, so the
    // login form takes the same usernames as the reference server.
    staticPasswords: input.hashes.map((hash, index) => ({
      email: `user${index + 1}`,
      username: `user${index + 1}`,
      userID: `user-${index + 1}`,
      hash,
    })),
    staticClients: [
      {
        id: clients.confidential.id,
        secret: clients.confidential.secret,
        name: 'k6-auth-toolkit confidential',
        redirectURIs: [redirectUri],
      },
      {
        id: clients.public.id,
        public: true,
        name: 'k6-auth-toolkit public',
        redirectURIs: [redirectUri],
      },
      {
        id: clients.clientCredentials.id,
        secret: clients.clientCredentials.secret,
        name: 'k6-auth-toolkit service',
      },
    ],
    oauth2: {
      skipApprovalScreen: !input.consent,
      // client_credentials is off unless listed (or DEX_CLIENT_CREDENTIAL_GRANT_ENABLED_BY_DEFAULT).
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      responseTypes: ['code'],
    },
    expiry: { idTokens: `${input.accessTtlSeconds}s` },
  };
}

/**
 * Provisions Dex (building it the first time), writes its config, starts it on a free
 * 127.0.0.1 port and resolves once discovery answers.
 */
export async function startDex(options: DexOptions = {}): Promise<Dex> {
  const binaries = await provisionDex();
  const users = options.users ?? 3;
  const passwords = Array.from({ length: users }, (_, index) => `pass${index + 1}`);
  const hashes = await hashPasswords(binaries.bcryptHash, passwords);
  const clients: DexClients = {
    confidential: { id: 'k6-confidential', secret: randomBytes(24).toString('base64url') },
    public: { id: 'k6-public' },
    clientCredentials: { id: 'k6-service', secret: randomBytes(24).toString('base64url') },
  };
  const redirectUri = 'http://127.0.0.1/k6-auth-toolkit/callback';
  const dir = await mkdtemp(join(tmpdir(), 'dex-'));

  let lastError: unknown;
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const config = dexConfig({
      port,
      clients,
      redirectUri,
      hashes,
      accessTtlSeconds: options.accessTtlSeconds ?? 300,
      consent: options.consent ?? true,
    });
    const configPath = join(dir, 'config.json');
    await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
    try {
      return await launch(binaries, configPath, port, { clients, redirectUri, users, dir });
    } catch (error) {
      lastError = error;
      // Another process took the port between freePort() and Dex's bind: try a new one.
      if (!String((error as Error).message).includes('address already in use')) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch(
  binaries: DexBinaries,
  configPath: string,
  port: number,
  rest: { clients: DexClients; redirectUri: string; users: number; dir: string },
): Promise<Dex> {
  const child = spawn(binaries.dex, ['serve', configPath], {
    // A clean environment, so DEX_* feature flags of the caller's shell cannot change Dex.
    // Sessions are on because, with them off, a refresh deadlocks Dex's memory storage at this
    // commit (the refresh-token update transaction re-enters the storage lock to read the
    // offline session); with them on, refresh reads the identity before the transaction.
    env: { PATH: process.env.PATH ?? '', DEX_SESSIONS_ENABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (text: string) => {
    output += text;
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );

  const issuer = `http://127.0.0.1:${port}/dex`;
  let protectedUrl: string;
  try {
    protectedUrl = await waitForDiscovery(issuer, exited, () => output);
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    issuer,
    clients: rest.clients,
    redirectUri: rest.redirectUri,
    protectedUrl,
    users: rest.users,
    output: () => output,
    stop: () => {
      stopped ??= stopChild(child, exited).then(() =>
        rm(rest.dir, { recursive: true, force: true }),
      );
      return stopped;
    },
  };
}

/** Polls discovery until it names `issuer`; resolves the userinfo endpoint it lists. */
async function waitForDiscovery(
  issuer: string,
  exited: Promise<number | null>,
  output: () => string,
): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`Dex exited with code ${exitCode} before serving discovery:\n${output()}`);
    }
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.status === 200) {
        const document = (await res.json()) as { issuer?: string; userinfo_endpoint?: string };
        if (document.issuer !== issuer || !document.userinfo_endpoint) {
          throw new Error(`Dex discovery does not match; expected issuer ${issuer}`);
        }
        return document.userinfo_endpoint;
      }
      await res.body?.cancel();
    } catch (error) {
      if ((error as Error).message.startsWith('Dex discovery')) throw error;
      // Not accepting yet: poll again.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Dex at ${issuer} did not serve discovery within ${START_TIMEOUT_MS} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
