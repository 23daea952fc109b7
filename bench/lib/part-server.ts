/**
 * Part 3, the reference server's speed: `GET /protected` with a bearer JWT and with a session
 * cookie, against a bare node:http server that answers 200, each in its own process under the
 * same autocannon load; then `POST /login` (JSON, token pair) at the default and the cheap scrypt
 * cost. Interleaved per repetition.
 */
import type { BenchContext } from './context.ts';
import { type LoadMeasurement, measureHttpLoad } from './http-load.ts';
import { type ServerProcess, startBareServer, startReferenceServer } from './servers.ts';
import {
  type BenchSize,
  CHEAP_SCRYPT_COST,
  DEFAULT_SCRYPT_COST,
  LONG_ACCESS_TTL_SECONDS,
} from './sizes.ts';

export type ServerCase = 'bare' | 'jwt' | 'session' | 'loginDefault' | 'loginCheap';

export interface ServerResult {
  size: BenchSize['server'];
  runs: Record<ServerCase, LoadMeasurement[]>;
}

const LOGIN_BODY = JSON.stringify({ username: 'user1', password: 'pass1' });

export async function runServer(
  context: BenchContext,
  size: BenchSize['server'],
): Promise<ServerResult> {
  const started: ServerProcess[] = [];
  try {
    const bare = await startBareServer();
    started.push(bare);
    const cheap = await startReferenceServer({
      SCRYPT_COST: String(CHEAP_SCRYPT_COST),
      ACCESS_TTL: String(LONG_ACCESS_TTL_SECONDS),
    });
    started.push(cheap);
    const costly = await startReferenceServer({ SCRYPT_COST: String(DEFAULT_SCRYPT_COST) });
    started.push(costly);
    const bearer = { authorization: `Bearer ${await loginForToken(cheap)}` };
    const cookie = { cookie: await loginForSessionCookie(cheap) };
    const json = { 'content-type': 'application/json' };
    const get = (server: ServerProcess, headers: Record<string, string>) =>
      measureHttpLoad({
        server,
        path: '/protected',
        headers,
        connections: size.connections,
        durationSeconds: size.durationSeconds,
      });
    const login = (server: ServerProcess) =>
      measureHttpLoad({
        server,
        path: '/login',
        method: 'POST',
        headers: json,
        body: LOGIN_BODY,
        connections: size.connections,
        durationSeconds: size.loginDurationSeconds,
      });
    const cases: [ServerCase, () => Promise<LoadMeasurement>][] = [
      ['bare', () => get(bare, {})],
      ['jwt', () => get(cheap, bearer)],
      ['session', () => get(cheap, cookie)],
      ['loginDefault', () => login(costly)],
      ['loginCheap', () => login(cheap)],
    ];
    const runs: Record<ServerCase, LoadMeasurement[]> = {
      bare: [],
      jwt: [],
      session: [],
      loginDefault: [],
      loginCheap: [],
    };
    for (let repetition = 1; repetition <= size.repetitions; repetition += 1) {
      for (const [name, run] of cases) {
        const measurement = await run();
        if (measurement.failures > 0) {
          throw new Error(
            `server ${name} failed under load; reason: expected only 2xx answers, got ${measurement.failures} failures`,
          );
        }
        runs[name].push(measurement);
        context.log(
          `server ${repetition}/${size.repetitions} ${name}: ${measurement.okPerSecond.toFixed(0)} req/s, ` +
            `${measurement.serverCpuMicrosPerOk.toFixed(0)} µs server CPU per request`,
        );
      }
    }
    return { size, runs };
  } finally {
    for (const server of started.reverse()) await server.stop();
  }
}

async function loginForToken(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: LOGIN_BODY,
  });
  const body = (await res.json()) as { accessToken?: unknown };
  if (res.status !== 200 || typeof body.accessToken !== 'string') {
    throw new Error(
      `bench login failed; reason: expected 200 with an accessToken, got ${res.status}`,
    );
  }
  return body.accessToken;
}

/** `sid=<id>` from a form login's Set-Cookie. */
async function loginForSessionCookie(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=user1&password=pass1',
  });
  await res.body?.cancel();
  const pair = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 200 || pair === undefined) {
    throw new Error(
      `bench session login failed; reason: expected 200 with a cookie, got ${res.status}`,
    );
  }
  return pair;
}
