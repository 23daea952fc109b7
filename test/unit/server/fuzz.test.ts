/**
 * A seeded fuzz of the reference server over raw loopback sockets: thousands of malformed requests
 * (request lines, headers, lengths, chunking, JSON, forms, cookies, JWT-like tokens, admin bodies,
 * pipelining, byte-level damage). Deterministic: every case comes from one seeded PRNG before any is
 * sent, so `FUZZ_SEED=<seed>` replays a failure. Bounded: a fixed count, 8 sockets at once.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201) >>> 0;
const CASES_PER_CATEGORY = 300;
const CONCURRENCY = 8;
/** A case whose connection the server has not closed by then is a hang. */
const CASE_TIMEOUT_MS = 3000;
/** When a case does not half-close at once, the client ends its side after this at the latest. */
const LATE_END_MS = 100;

/** mulberry32: small, fast and good enough to pick fuzz cases; the same seed gives the same cases. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (probability: number): boolean => next() < probability;
  const text = (length: number, alphabet: string): string => {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[int(alphabet.length)];
    return out;
  };
  return { next, int, pick, chance, text };
}
type Random = ReturnType<typeof createRandom>;

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const PRINTABLE =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const NASTY = '\r\n\t\0\x7f\x01 ;,="%\\{}[]\u00e9\u2028\ud83d\ude00';

/**
 * One fuzz case: the bytes, when the client ends its side (right after writing, or once the first
 * answer arrives: a keep-alive connection then closes as soon as the server is done), and what it
 * may never get. HEAD is left out: its answers have a content-length and no body.
 */
interface FuzzCase {
  category: string;
  bytes: Buffer;
  halfClose: boolean;
  /** A credential the server never minted: no 2xx may come back. */
  forged: boolean;
}

interface Credentials {
  accessToken: string;
  refreshToken: string;
  sid: string;
}

const ENDPOINTS = ['/login', '/protected', '/refresh', '/logout', '/health'] as const;

function request(
  method: string,
  path: string,
  headers: Array<[string, string]>,
  body = '',
  version = 'HTTP/1.1',
): string {
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `${method} ${path} ${version}\r\nHost: 127.0.0.1\r\n${lines}\r\n${body}`;
}

function withLength(
  method: string,
  path: string,
  contentType: string,
  body: string,
  headers: Array<[string, string]> = [],
): string {
  return request(
    method,
    path,
    [
      ['content-type', contentType],
      ['content-length', String(Buffer.byteLength(body))],
      ...headers,
    ],
    body,
  );
}

function randomJson(random: Random, depth = 0): string {
  const kind = random.int(depth > 3 ? 5 : 8);
  switch (kind) {
    case 0:
      return String(random.pick([0, -1, 1e308, 1.5, Number.MAX_SAFE_INTEGER]));
    case 1:
      return JSON.stringify(random.text(random.int(12), PRINTABLE + NASTY));
    case 2:
      return random.pick(['true', 'false', 'null']);
    case 3:
      return JSON.stringify(random.pick(['user1', 'pass1', '', 'user0', 'user99999']));
    case 4:
      return random.text(random.int(8), '{}[]":,0123456789tfn\\');
    case 5:
      return `[${Array.from({ length: random.int(4) }, () => randomJson(random, depth + 1)).join(',')}]`;
    default: {
      const keys = [
        'username',
        'password',
        'refreshToken',
        'refresh_token',
        '__proto__',
        'constructor',
        random.text(3, PRINTABLE),
      ];
      const fields = Array.from(
        { length: random.int(4) },
        () => `${JSON.stringify(random.pick(keys))}:${randomJson(random, depth + 1)}`,
      );
      return `{${fields.join(',')}}`;
    }
  }
}

/** A token the server never minted: a real one damaged, re-signed with another key, or made up. */
function forgeToken(random: Random, credentials: Credentials, expected: 'access' | 'refresh') {
  const real = expected === 'access' ? credentials.accessToken : credentials.refreshToken;
  const other = expected === 'access' ? credentials.refreshToken : credentials.accessToken;
  const [header = '', payload = '', signature = ''] = real.split('.');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const spareMask = signature.length % 4 === 2 ? 0x0f : 0x03;
  const lastIndex = B64URL.indexOf(signature.at(-1) ?? 'A');
  const forged = random.pick([
    // Wrong type: the other half of the pair.
    () => other,
    // The same signature bytes, spelled with spare bits set (non-canonical base64url).
    () => `${real.slice(0, -1)}${B64URL[lastIndex | (1 + random.int(spareMask))]}`,
    // One character of the signature changed.
    () => {
      const at = random.int(signature.length - 1);
      const swapped = signature[at] === 'A' ? 'B' : 'A';
      return `${header}.${payload}.${signature.slice(0, at)}${swapped}${signature.slice(at + 1)}`;
    },
    // Claims changed, signature kept.
    () =>
      `${header}.${b64({ ...claims, sub: 'user2', exp: 9_999_999_999, typ: expected })}.${signature}`,
    // alg none, in any case, with or without a signature.
    () =>
      `${b64({ alg: random.pick(['none', 'None', 'NONE', 'nOnE']), typ: 'JWT' })}.${payload}.${random.chance(0.5) ? '' : signature}`,
    // Another algorithm, or a critical header.
    () =>
      `${b64({ alg: random.pick(['HS512', 'RS256', 'ES256', 'HS256 ']), typ: 'JWT' })}.${payload}.${signature}`,
    // Signed with another key.
    () => {
      const input = `${header}.${payload}`;
      const key = Buffer.alloc(32, random.int(256));
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    },
    // Truncated, padded or with extra parts.
    () => real.slice(0, random.int(real.length - 1)),
    () => `${real}=`,
    () => `${real}.${signature}`,
    () => `${header}.${payload}`,
    () => real.replace(/-/g, '+').replace(/_/g, '/') + (real.includes('-') ? '' : '+'),
    // Made up.
    () =>
      `${random.text(random.int(40), B64URL)}.${random.text(random.int(80), B64URL)}.${random.text(43, B64URL)}`,
    () => random.text(random.int(200), PRINTABLE),
  ])();
  // A damaged token that happens to equal the real one is not forged: damage it again.
  return forged === real ? `${real}x` : forged;
}

type Generator = (random: Random, credentials: Credentials) => Omit<FuzzCase, 'halfClose'>;

const GENERATORS: Record<string, Generator> = {
  'request line': (random) => {
    const method = random.pick([
      'GET',
      'POST',
      'get',
      'PUT',
      'DELETE',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'PRI',
      'G\0T',
      'X'.repeat(random.int(300)),
      random.text(random.int(10), PRINTABLE + NASTY),
    ]);
    const path = random.pick([
      ...ENDPOINTS,
      '/_admin/stats',
      '/_admin/faults',
      '*',
      'http://127.0.0.1/health',
      '//login',
      '/login/../health',
      '/%00',
      '/login?x=%ZZ',
      `/${'a'.repeat(random.int(9000))}`,
      random.text(random.int(40), PRINTABLE + NASTY),
    ]);
    const version = random.pick([
      'HTTP/1.1',
      'HTTP/1.0',
      'HTTP/2.0',
      'HTTP/0.9',
      'HTTP/1.x',
      'http/1.1',
      '',
      'HTTP/1.1 extra',
    ]);
    return {
      category: 'request line',
      bytes: Buffer.from(`${method} ${path} ${version}\r\nHost: x\r\n\r\n`, 'latin1'),
      forged: false,
    };
  },
  headers: (random) => {
    const headers: string[] = [];
    if (random.chance(0.7)) headers.push(random.pick(['Host: x', 'Host:', 'Host: a\r\nHost: b']));
    for (let i = random.int(6); i > 0; i -= 1) {
      headers.push(
        random.pick([
          `${random.text(1 + random.int(10), PRINTABLE)}: ${random.text(random.int(30), PRINTABLE)}`,
          `X-Fold: a\r\n  folded`,
          'NoColonHere',
          ': empty-name',
          `X-Big: ${'v'.repeat(random.int(20_000))}`,
          `X-Nasty: ${random.text(5, NASTY)}`,
          'Connection: close',
          'Connection: upgrade\r\nUpgrade: websocket',
          `Expect: ${random.pick(['100-continue', 'teapot', '', '100-Continue'])}`,
          `Content-Type: ${random.text(random.int(20), PRINTABLE)}`,
          'Transfer-Encoding: gzip',
        ]),
      );
    }
    const line = random.pick(['GET /health', 'GET /protected', 'POST /login', 'POST /refresh']);
    return {
      category: 'headers',
      bytes: Buffer.from(`${line} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
      forged: false,
    };
  },
  lengths: (random) => {
    const body = random.pick(['username=user1&password=pass1', '{"username":"user1"}', '', 'x']);
    const declared = random.pick([
      String(body.length + 1 + random.int(100)),
      String(Math.max(0, body.length - 1 - random.int(5))),
      '-1',
      'abc',
      '1e3',
      ' 5',
      '0x10',
      '99999999999999999999',
      `${body.length}, ${body.length}`,
      `${body.length}\r\nContent-Length: ${body.length + 1}`,
      `${body.length}\r\nTransfer-Encoding: chunked`,
    ]);
    const contentType = random.pick(['application/x-www-form-urlencoded', 'application/json']);
    return {
      category: 'lengths',
      bytes: Buffer.from(
        `POST ${random.pick(['/login', '/refresh', '/logout'])} HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${declared}\r\n\r\n${body}`,
        'latin1',
      ),
      forged: false,
    };
  },
  chunking: (random) => {
    const chunks: string[] = [];
    for (let i = random.int(5); i > 0; i -= 1) {
      const data = random.text(random.int(20), PRINTABLE);
      const size = random.pick([
        data.length.toString(16),
        (data.length + 1).toString(16),
        'zz',
        'ffffffffffffffffff',
        `${data.length.toString(16)};ext=1`,
        `-${data.length}`,
      ]);
      chunks.push(`${size}\r\n${data}\r\n`);
    }
    const end = random.pick(['0\r\n\r\n', '0\r\nX-Trailer: 1\r\n\r\n', '', '0\r\n', '1\r\n']);
    const te = random.pick(['chunked', 'Chunked', 'gzip, chunked', 'chunked, gzip', 'chunked ']);
    return {
      category: 'chunking',
      bytes: Buffer.from(
        `POST ${random.pick(['/login', '/refresh'])} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n${chunks.join('')}${end}`,
        'latin1',
      ),
      forged: false,
    };
  },
  json: (random) => {
    const body = random.chance(0.1)
      ? `${'['.repeat(5000)}${']'.repeat(random.int(5000))}`
      : randomJson(random);
    return {
      category: 'json',
      bytes: Buffer.from(
        withLength(
          'POST',
          random.pick(['/login', '/refresh', '/logout']),
          random.pick(['application/json', 'application/problem+json', 'APPLICATION/JSON; x=1']),
          body,
        ),
      ),
      forged: false,
    };
  },
  forms: (random) => {
    const pairs = Array.from({ length: random.int(6) }, () => {
      const key = random.pick([
        'username',
        'password',
        'refresh_token',
        'refreshToken',
        '%75sername',
        random.text(3, PRINTABLE),
      ]);
      const value = random.pick([
        'user1',
        'pass1',
        '',
        '%',
        '%ZZ',
        '%E9',
        '+',
        random.text(random.int(30), PRINTABLE),
      ]);
      return random.chance(0.1) ? key : `${key}=${value}`;
    });
    const body = pairs.join(random.pick(['&', ';', '&&']));
    return {
      category: 'forms',
      bytes: Buffer.from(
        withLength(
          'POST',
          random.pick(['/login', '/refresh', '/logout']),
          'application/x-www-form-urlencoded',
          body,
        ),
        'latin1',
      ),
      forged: false,
    };
  },
  cookies: (random, credentials) => {
    const sid = random.pick([
      '',
      random.text(random.int(80), B64URL),
      `${credentials.sid}x`,
      credentials.sid.slice(0, -1),
      credentials.sid.toUpperCase() === credentials.sid
        ? `${credentials.sid}a`
        : credentials.sid.toUpperCase(),
      `"${credentials.sid}"`,
      random.text(random.int(20), PRINTABLE),
    ]);
    const cookie = random.pick([
      `sid=${sid}`,
      `a=b; sid=${sid}`,
      `sid=${sid}; sid=${credentials.sid}x`,
      `SID=${sid}`,
      `sid =${sid}`,
      `;;;sid=${sid};;`,
    ]);
    const path = random.pick(['/protected', '/logout']);
    return {
      category: 'cookies',
      bytes: Buffer.from(
        request(path === '/protected' ? 'GET' : 'POST', path, [['Cookie', cookie]]),
        'latin1',
      ),
      // A forged sid never matches a live session; `/logout` with it must not succeed either.
      forged: sid !== credentials.sid,
    };
  },
  'jwt-like tokens': (random, credentials) => {
    const path = random.pick(['/protected', '/refresh']);
    const token = forgeToken(random, credentials, path === '/protected' ? 'access' : 'refresh');
    const scheme = random.pick(['Bearer', 'bearer', 'BEARER']);
    const inBody = path === '/refresh' && random.chance(0.3);
    const bytes = inBody
      ? withLength(
          'POST',
          path,
          'application/json',
          JSON.stringify({ [random.pick(['refreshToken', 'refresh_token'])]: token }),
        )
      : request(path === '/protected' ? 'GET' : 'POST', path, [
          ['Authorization', `${scheme} ${token}`],
        ]);
    return { category: 'jwt-like tokens', bytes: Buffer.from(bytes, 'latin1'), forged: true };
  },
  pipelining: (random) => {
    const valid = [
      request('GET', '/health', []),
      withLength(
        'POST',
        '/login',
        'application/x-www-form-urlencoded',
        'username=user1&password=pass1',
      ),
      request('GET', '/protected', []),
    ];
    const parts = Array.from({ length: 1 + random.int(3) }, () => random.pick(valid));
    parts.push(
      random.pick([
        'GARBAGE\r\n\r\n',
        '\0\0\0',
        'GET / HTTP/9\r\n\r\n',
        '',
        'POST /login HTTP/1.1\r\n',
      ]),
    );
    return { category: 'pipelining', bytes: Buffer.from(parts.join(''), 'latin1'), forged: false };
  },
  'byte damage': (random) => {
    const base = Buffer.from(
      random.pick([
        withLength('POST', '/login', 'application/json', '{"username":"user1","password":"pass1"}'),
        withLength(
          'POST',
          '/login',
          'application/x-www-form-urlencoded',
          'username=user1&password=pass1',
        ),
        request('GET', '/health', []),
        request('GET', '/protected', [['Cookie', 'sid=abc']]),
      ]),
    );
    const bytes = Buffer.from(base);
    for (let i = 1 + random.int(4); i > 0; i -= 1)
      bytes[random.int(bytes.length)] = random.int(256);
    const cut = random.chance(0.3) ? random.int(bytes.length) : bytes.length;
    return { category: 'byte damage', bytes: bytes.subarray(0, cut), forged: false };
  },
};

/** Admin bodies run in their own phase: a valid fault body may inject 5xx on the other routes. */
const adminGenerator: Generator = (random) => {
  const value = () => randomJson(random);
  const body = random.pick([
    () => value(),
    () => `{"latencyMs":${value()}}`,
    () =>
      `{"latencyMs":{"protected":${random.pick(['-1', '1e9', '"5"', 'null', '1.5', value()])}}}`,
    () => `{"failure":${value()}}`,
    () =>
      `{"failure":{"endpoint":${value()},"status":${random.pick(['418', '500', '"503"', value()])},"seconds":${value()}}}`,
    () => `{"rateLimit":[${value()},${value()}]}`,
    () =>
      `{"rateLimit":{"endpoint":"login","perSecond":${value()},"retryAfterSeconds":${value()}}}`,
    () => `{"clockOffsetSeconds":${random.pick(['1e308', '-1e308', '"x"', 'null', value()])}}`,
    () => `{"forgetAll":${value()}}`,
    () => `{"__proto__":{"latencyMs":{"login":5}}}`,
  ])();
  const path = random.pick(['/_admin/faults', '/_admin/stats', '/_admin/stats/reset', '/_admin/x']);
  const method = random.pick(['POST', 'GET', 'DELETE', 'PUT']);
  return {
    category: 'admin bodies',
    bytes: Buffer.from(
      withLength(method, path, random.pick(['application/json', 'text/plain']), body),
      'latin1',
    ),
    forged: false,
  };
};

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Reads every answer in the stream: heads framed by content-length (the server always sends it). */
function parseAnswers(raw: Buffer): Answer[] {
  const answers: Answer[] = [];
  let rest = raw.toString('latin1');
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0)
      throw new Error(`an incomplete answer head: ${JSON.stringify(rest.slice(0, 120))}`);
    const head = rest.slice(0, headEnd);
    const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(head)?.[1]);
    if (!Number.isInteger(status))
      throw new Error(`not a status line: ${JSON.stringify(head.slice(0, 120))}`);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const contentType = /\r\ncontent-type: *([^\r]*)/i.exec(head)?.[1] ?? '';
    answers.push({ status, contentType, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return answers;
}

/** Sends the bytes, half-closes when asked, and collects everything until the server closes. */
function exchange(port: number, fuzzCase: FuzzCase): Promise<{ raw: Buffer; timedOut: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(fuzzCase.bytes);
      if (fuzzCase.halfClose) socket.end();
    });
    // An incomplete request gets no answer until the client ends: end it after a short wait.
    const lateEnd = setTimeout(() => socket.end(), LATE_END_MS);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ raw: Buffer.concat(chunks), timedOut: true });
    }, CASE_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Pipelined answers may still be on their way: the server ends only after the last one.
      socket.end();
    });
    // The server may reset a connection it refused while bytes were still arriving.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(lateEnd);
      resolve({ raw: Buffer.concat(chunks), timedOut: false });
    });
  });
}

/** What a failure message may show of a request: tokens and session ids masked. */
function describeCase(index: number, fuzzCase: FuzzCase): string {
  const shown = fuzzCase.bytes
    .toString('latin1')
    .slice(0, 300)
    .replace(/[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_+/=.-]*/g, '<token>')
    .replace(/sid *=[^;\s]{8,}/gi, 'sid=<masked>');
  return `seed ${SEED} (FUZZ_SEED=${SEED} replays it), case ${index} (${fuzzCase.category}): ${JSON.stringify(shown)}`;
}

async function runCases(
  port: number,
  cases: FuzzCase[],
  check: (i: number, c: FuzzCase, a: Answer[]) => void,
) {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next;
      next += 1;
      const fuzzCase = cases[index] as FuzzCase;
      const { raw, timedOut } = await exchange(port, fuzzCase);
      assert.equal(
        timedOut,
        false,
        `the server kept the connection open; ${describeCase(index, fuzzCase)}`,
      );
      let answers: Answer[];
      try {
        answers = parseAnswers(raw);
      } catch (error) {
        assert.fail(`${(error as Error).message}; ${describeCase(index, fuzzCase)}`);
      }
      check(index, fuzzCase, answers);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function checkAnswers(index: number, fuzzCase: FuzzCase, answers: Answer[]): void {
  for (const answer of answers) {
    const where = `status ${answer.status}; ${describeCase(index, fuzzCase)}`;
    assert.ok(answer.status < 500, `a 5xx answer: ${where}`);
    if (fuzzCase.forged)
      assert.ok(
        answer.status < 200 || answer.status >= 300,
        `a forged credential got a 2xx: ${where}`,
      );
    if (answer.status >= 400) {
      // Every error is the JSON docs/reference-server.md gives, `{error, reason?, message}`, Node's
      // own 400/417 included.
      assert.equal(
        answer.contentType,
        'application/json; charset=utf-8',
        `a non-JSON error: ${where}`,
      );
      let body: { error?: unknown; message?: unknown } = {};
      try {
        body = JSON.parse(answer.body) as typeof body;
      } catch {
        assert.fail(`an error body that is not JSON: ${where}`);
      }
      assert.equal(typeof body.error, 'string', `an error without a code: ${where}`);
      assert.equal(typeof body.message, 'string', `an error without a message: ${where}`);
    }
  }
}

describe('a seeded fuzz of the reference server over raw sockets', () => {
  let server: InProcessServer;
  let port: number;
  let credentials: Credentials;

  before(async () => {
    server = await startAppServer();
    port = Number(new URL(server.url).port);
    const tokens = (await (
      await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'user1', password: 'pass1' }),
      })
    ).json()) as { accessToken: string; refreshToken: string };
    const form = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=user1&password=pass1',
    });
    const sid = /^sid=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1] ?? '';
    assert.notEqual(sid, '');
    credentials = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, sid };
  });
  after(async () => {
    await server.stop();
  });

  it(`answers ${Object.keys(GENERATORS).length * CASES_PER_CATEGORY} malformed requests with no 5xx, JSON errors and no 2xx for a forged credential`, async () => {
    const random = createRandom(SEED);
    const cases: FuzzCase[] = [];
    for (let round = 0; round < CASES_PER_CATEGORY; round += 1) {
      for (const generate of Object.values(GENERATORS)) {
        cases.push({ ...generate(random, credentials), halfClose: random.chance(0.5) });
      }
    }
    await runCases(port, cases, checkAnswers);
    // No crash, and the credentials the server did mint still work.
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    const protectedRes = await fetch(`${server.url}/protected`, {
      headers: { authorization: `Bearer ${credentials.accessToken}` },
    });
    assert.equal(protectedRes.status, 200);
  });

  it(`answers ${CASES_PER_CATEGORY} malformed admin requests with no 5xx, then still serves /health`, async () => {
    const random = createRandom(SEED ^ 0xadadad);
    const cases = Array.from({ length: CASES_PER_CATEGORY }, () => ({
      ...adminGenerator(random, credentials),
      halfClose: random.chance(0.5),
    }));
    await runCases(port, cases, checkAnswers);
    const cleared = await fetch(`${server.url}/_admin/faults`, { method: 'DELETE' });
    assert.equal(cleared.status, 200);
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
  });
});
