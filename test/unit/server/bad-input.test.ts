import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type InProcessServer, startAppServer } from '../../helpers/reference-server.ts';

interface ErrorBody {
  error: string;
  reason?: string;
  message: string;
}

/**
 * Writes raw bytes to the server and reads until it closes the connection; with `halfClose` the
 * client ends its side right after writing (socket.end()), as some HTTP/1.0-style clients do.
 */
function rawExchange(url: string, bytes: string, halfClose = false): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(bytes);
      if (halfClose) socket.end();
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The status lines and JSON bodies of every answer in `answer`, in order (content-length framed). */
function splitAnswers(answer: string): Array<{ statusLine: string; head: string; body: unknown }> {
  const answers: Array<{ statusLine: string; head: string; body: unknown }> = [];
  let rest = answer;
  while (rest.length > 0) {
    const headEnd = rest.indexOf('\r\n\r\n');
    assert.ok(headEnd > 0, `an answer without a head: ${JSON.stringify(rest.slice(0, 80))}`);
    const head = rest.slice(0, headEnd);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
    assert.ok(Number.isInteger(length), `an answer without content-length: ${head}`);
    const bodyText = rest.slice(headEnd + 4, headEnd + 4 + length);
    answers.push({
      statusLine: head.split('\r\n', 1)[0] ?? '',
      head,
      body: JSON.parse(bodyText),
    });
    rest = rest.slice(headEnd + 4 + length);
  }
  return answers;
}

/** POSTs `chunks` with chunked transfer encoding (no Content-Length), as a streaming client would. */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('bad input never gives a 500 or stops the server', () => {
  let server: InProcessServer;

  before(async () => {
    server = await startAppServer();
  });
  after(async () => {
    // Whatever came before, the server still answers.
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    await server.stop();
  });

  const post = (path: string, contentType: string | null, body: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: contentType === null ? {} : { 'content-type': contentType },
      // Bytes, not a string: fetch would label a string body text/plain.
      body: new TextEncoder().encode(body),
    });

  async function assertError(res: Response, status: number, expected: ErrorBody): Promise<void> {
    assert.equal(res.status, status);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await res.json(), expected);
  }

  it('answers malformed JSON with 400 invalid_json', async () => {
    for (const body of ['{bad', '', '{"username":"user1",}']) {
      await assertError(await post('/login', 'application/json', body), 400, {
        error: 'invalid_json',
        message:
          'request body is not JSON; reason: expected a JSON document, got text that does not parse',
      });
    }
  });

  it('answers an unsupported content type with 415 before reading the body', async () => {
    await assertError(await post('/login', 'text/plain', 'username=user1'), 415, {
      error: 'unsupported_media_type',
      message:
        'Content-Type is not supported; reason: expected application/json or application/x-www-form-urlencoded, got text/plain',
    });
    await assertError(await post('/refresh', 'multipart/form-data; boundary=x', '--x--'), 415, {
      error: 'unsupported_media_type',
      message:
        'Content-Type is not supported; reason: expected application/json or application/x-www-form-urlencoded, got multipart/form-data',
    });
  });

  it('answers a body without a content type with 415, and a login with no body at all too', async () => {
    await assertError(await post('/login', null, 'username=user1&password=pass1'), 415, {
      error: 'unsupported_media_type',
      message:
        'Content-Type is missing; reason: expected application/json or application/x-www-form-urlencoded with a body, got none',
    });
    const empty = await fetch(`${server.url}/login`, { method: 'POST' });
    await assertError(empty, 415, {
      error: 'unsupported_media_type',
      message:
        'login body is missing; reason: expected a form or JSON body with username and password, got none',
    });
  });

  it('answers a declared body over 16 KiB with 413 and closes the connection', async () => {
    const res = await post(
      '/login',
      'application/json',
      JSON.stringify({ pad: 'x'.repeat(20_000) }),
    );
    assert.equal(res.headers.get('connection'), 'close');
    await assertError(res, 413, {
      error: 'payload_too_large',
      message: 'request body is too large; reason: expected at most 16384 bytes, got more',
    });
  });

  it('answers a streamed chunked body over 16 KiB with 413', async () => {
    const { status, body } = await postChunked(`${server.url}/login`, [
      '{"pad":"',
      'x'.repeat(10_000),
      'x'.repeat(10_000),
      '"}',
    ]);
    assert.equal(status, 413);
    assert.equal((JSON.parse(body) as ErrorBody).error, 'payload_too_large');
  });

  it('answers missing or non-string credentials with 400 invalid_request', async () => {
    const cases: Array<[string, string, string]> = [
      [
        'application/json',
        '{"username":"user1"}',
        'field "password" is missing; reason: expected a non-empty string, got nothing',
      ],
      [
        'application/json',
        '{"username":1,"password":"pass1"}',
        'field "username" is missing; reason: expected a non-empty string, got number',
      ],
      [
        'application/json',
        '["user1","pass1"]',
        'field "username" is missing; reason: expected a non-empty string, got nothing',
      ],
      [
        'application/json',
        'null',
        'field "username" is missing; reason: expected a non-empty string, got nothing',
      ],
      [
        'application/json',
        '{"__proto__":{"username":"user1"},"password":"pass1"}',
        'field "username" is missing; reason: expected a non-empty string, got nothing',
      ],
      [
        'application/x-www-form-urlencoded',
        'username=&password=pass1',
        'field "username" is missing; reason: expected a non-empty string, got string',
      ],
    ];
    for (const [contentType, body, message] of cases) {
      await assertError(await post('/login', contentType, body), 400, {
        error: 'invalid_request',
        message,
      });
    }
  });

  it('answers an unknown path with 404 and a wrong method with 405 and Allow', async () => {
    await assertError(await fetch(`${server.url}/nope`), 404, {
      error: 'not_found',
      message:
        'no such route; reason: expected /login, /refresh, /protected, /logout or /health, got another path',
    });
    const wrongMethod = await fetch(`${server.url}/login`);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    await assertError(wrongMethod, 405, {
      error: 'method_not_allowed',
      message: 'method not allowed; reason: expected POST, got GET',
    });
  });

  it('answers request headers over 16 KiB with a JSON 431', async () => {
    const answer = await rawExchange(
      server.url,
      `GET /protected HTTP/1.1\r\nHost: x\r\nCookie: sid=${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const [head, body] = answer.split('\r\n\r\n');
    assert.match(head ?? '', /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.deepEqual(JSON.parse(body ?? ''), {
      error: 'headers_too_large',
      message: 'request refused; reason: expected well-formed HTTP/1.1, got HPE_HEADER_OVERFLOW',
    });
  });

  it('answers bytes that are not HTTP with a JSON 400', async () => {
    const answer = await rawExchange(server.url, 'HELLO\r\n\r\n');
    const [head, body] = answer.split('\r\n\r\n');
    assert.match(head ?? '', /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal((JSON.parse(body ?? '') as ErrorBody).error, 'bad_request');
  });

  it('answers an HTTP/1.1 request without a Host header with a JSON 400 and closes', async () => {
    const answers = splitAnswers(await rawExchange(server.url, 'GET /health HTTP/1.1\r\n\r\n'));
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.match(answers[0]?.head ?? '', /\r\ncontent-type: application\/json; charset=utf-8\r\n/);
    assert.match(answers[0]?.head ?? '', /\r\nconnection: close\r\n/i);
    assert.deepEqual(answers[0]?.body, {
      error: 'bad_request',
      message: 'request refused; reason: expected a Host header (RFC 9112 §3.2), got none',
    });
  });

  it('answers an Expect header other than 100-continue with a JSON 417 and closes', async () => {
    const answers = splitAnswers(
      await rawExchange(
        server.url,
        'POST /login HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
      ),
    );
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.statusLine, 'HTTP/1.1 417 Expectation Failed');
    assert.match(answers[0]?.head ?? '', /\r\nconnection: close\r\n/i);
    assert.deepEqual(answers[0]?.body, {
      error: 'expectation_failed',
      message:
        'request refused; reason: expected no Expect header or 100-continue, got another expectation',
    });
  });

  it('answers a complete login from a client that half-closes right after writing it', async () => {
    const body = 'username=user1&password=pass1';
    const answers = splitAnswers(
      await rawExchange(
        server.url,
        `POST /login HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        true,
      ),
    );
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.statusLine, 'HTTP/1.1 200 OK');
    assert.match(answers[0]?.head ?? '', /\r\nset-cookie: sid=/i);
    assert.deepEqual(answers[0]?.body, { user: 'user1', auth: 'session' });
  });

  it('answers each pipelined request before the JSON 400 for the garbage that follows them', async () => {
    const body = 'username=user1&password=pass1';
    const login = `POST /login HTTP/1.1\r\nHost: x\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const answers = splitAnswers(
      await rawExchange(
        server.url,
        `${login}GET /health HTTP/1.1\r\nHost: x\r\n\r\n${login}GARBAGE\r\n\r\n`,
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.statusLine),
      ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 400 Bad Request'],
    );
    assert.deepEqual(answers[0]?.body, { user: 'user1', auth: 'session' });
    assert.deepEqual(answers[1]?.body, { status: 'ok' });
    assert.deepEqual(answers[2]?.body, { user: 'user1', auth: 'session' });
    assert.deepEqual(answers[3]?.body, {
      error: 'bad_request',
      message: 'request refused; reason: expected well-formed HTTP/1.1, got HPE_INVALID_METHOD',
    });
  });

  it('answers a chunked body cut short by a bad chunk size with a JSON 400 at once, waiting for nothing', async () => {
    const answers = splitAnswers(
      await rawExchange(
        server.url,
        'POST /login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n-16\r\n',
      ),
    );
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.deepEqual(answers[0]?.body, {
      error: 'bad_request',
      message: 'request refused; reason: expected well-formed HTTP/1.1, got HPE_INVALID_CHUNK_SIZE',
    });
  });

  it('treats a huge but allowed cookie header and an overlong bearer token as failed credentials', async () => {
    const cookie = await fetch(`${server.url}/protected`, {
      headers: { cookie: `a=${'b'.repeat(10_000)}; sid=${'c'.repeat(3000)}` },
    });
    assert.equal(cookie.status, 401);
    assert.equal(((await cookie.json()) as ErrorBody).reason, 'unknown_session');
    const bearer = await fetch(`${server.url}/protected`, {
      headers: { authorization: `Bearer ${'a.b.c'.repeat(2000)}` },
    });
    assert.equal(bearer.status, 401);
    assert.equal(((await bearer.json()) as ErrorBody).reason, 'malformed');
  });

  it('keeps a request that carries a token in its query string out of the way: the path still routes', async () => {
    const res = await fetch(`${server.url}/health?access_token=abc`);
    assert.equal(res.status, 200);
  });
});
