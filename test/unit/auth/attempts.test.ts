import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Answer,
  type AttemptIo,
  runAttempts,
  walkLogin,
} from '../../../lib/core/auth/attempts.ts';
import { initialRetryState, type RetryState } from '../../../lib/core/auth/engine.ts';
import { plugin as clientCredentials } from '../../../lib/core/auth/modes/client-credentials.ts';
import { plugin as dual } from '../../../lib/core/auth/modes/dual.ts';
import { plugin as session } from '../../../lib/core/auth/modes/session.ts';
import { plugin as token } from '../../../lib/core/auth/modes/token.ts';
import type { TargetProfile } from '../../../lib/core/auth/profile.ts';
import { resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import type { HtmlPage, RequestSpec, ResponseView } from '../../../lib/core/http-types.ts';
import { exampleProfile } from '../../helpers/profiles.ts';
import { NOW, respond, user1, walkTools } from '../../helpers/response-views.ts';

const reference = resolveProfile({ env: { AUTH_MODE: 'token' } });
const referenceDual = resolveProfile({ env: { AUTH_MODE: 'dual' } });
const form = exampleProfile('csrf-form', { BASE_URL: 'http://app.test' });
const CSRF_PAGE: HtmlPage = {
  forms: [
    {
      action: '',
      method: 'post',
      fields: [{ name: 'csrf_token', type: 'hidden', value: 'c1', checked: true }],
      roles: [],
    },
  ],
  meta: {},
};
const tokenAnswer = () => respond({ body: '{"token":"t1","expiresIn":60}' });

/**
 * The runtime of the loops as a script: each send takes the next canned answer, sleeping moves a
 * frozen clock, and everything done is written down in order.
 */
function scripted(answers: ResponseView[]) {
  const log: string[] = [];
  const sent: RequestSpec[] = [];
  let nowMs = NOW;
  const io: AttemptIo = {
    send(request, what) {
      sent.push(request);
      log.push(`send ${what} ${request.endpoint}`);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('the script has no answer left');
      return answer;
    },
    readPage(body, selectors) {
      log.push(`read page ${JSON.stringify(selectors)}`);
      return body === 'csrf page' ? CSRF_PAGE : { forms: [], meta: {} };
    },
    sleep(seconds) {
      log.push(`sleep ${seconds}`);
      nowMs += seconds * 1000;
    },
    now: () => nowMs,
    random: () => 0.5,
    warn: (message) => log.push(`warn ${message}`),
    count: (what, failed) => log.push(`count ${what} ${failed ? 'failed' : 'ok'}`),
  };
  return { io, log, sent, now: () => nowMs };
}

function tokenLogin(io: AttemptIo, profile: TargetProfile = reference): () => Answer {
  return () => walkLogin(token, profile, user1, walkTools(), io);
}

function dualRefresh(io: AttemptIo): () => Answer {
  const request = dual.buildRenewal?.(referenceDual, { refreshToken: 'r1' }) as RequestSpec;
  return () => {
    const view = io.send(request, 'refresh');
    return {
      view,
      url: request.url,
      result: dual.readRenewal?.(referenceDual, view) as Answer['result'],
    };
  };
}

describe('walkLogin', () => {
  it('sends the mode’s login and hands back its verdict, the answer and where it went', () => {
    const { io, log } = scripted([tokenAnswer()]);
    const answer = walkLogin(token, reference, user1, walkTools(), io);
    assert.deepEqual(answer, {
      view: tokenAnswer(),
      url: 'http://127.0.0.1:8080/login',
      result: { kind: 'done', tokens: { accessToken: 't1', expiresInSeconds: 60 } },
    });
    assert.deepEqual(log, ['send login login']);
  });

  it('walks each answer to the next request, reading a page only when the step asks and it is no redirect', () => {
    const { io, log, sent } = scripted([
      respond({ body: 'csrf page' }),
      respond({ status: 302, setCookies: { APPSESSION: 's1' } }),
    ]);
    const answer = walkLogin(session, form, user1, walkTools(), io);
    assert.equal(answer.result.kind, 'done');
    assert.equal(answer.url, 'http://app.test/login');
    assert.deepEqual(log, ['send login csrf', 'read page {}', 'send login login']);
    assert.equal(sent[1]?.body, 'username=user1&password=pass1&csrf_token=c1');
  });

  it('does not read a redirect as a page, even for a step that reads pages', () => {
    const { io, log } = scripted([respond({ status: 302, body: 'csrf page' })]);
    const answer = walkLogin(session, form, user1, walkTools(), io);
    assert.equal(answer.result.kind, 'failed');
    assert.deepEqual(log, ['send login csrf']);
  });

  it('stops at the first failed step with its failure', () => {
    const refused = respond({ status: 401, body: '{"error":"invalid_grant"}' });
    const { io, log } = scripted([refused]);
    assert.deepEqual(walkLogin(token, reference, user1, walkTools(), io), {
      view: refused,
      url: 'http://127.0.0.1:8080/login',
      result: { kind: 'failed', errorCode: 'invalid_grant' },
    });
    assert.deepEqual(log, ['send login login']);
  });

  it('sends nothing when the mode cannot build the first request, and says why', () => {
    const noEndpoint = resolveProfile({
      env: {
        AUTH_MODE: 'client-credentials',
        OIDC_ISSUER: 'http://127.0.0.1:9000',
        CLIENT_ID: 'k6',
        CLIENT_SECRET: 'not-a-real-secret',
      },
    });
    const { io, log } = scripted([]);
    assert.deepEqual(walkLogin(clientCredentials, noEndpoint, user1, walkTools(), io), {
      view: respond({ status: 0 }),
      url: '',
      result: {
        kind: 'failed',
        errorCode: 'OIDC_ENDPOINT_MISSING',
        reason:
          'Cannot request a client-credentials token; reason: expected oauth.tokenUrl from the profile or discovery, got nothing',
      },
    });
    assert.deepEqual(log, []);
  });

  it('fails a walk that asks for more requests than the mode’s bound, without sending it', () => {
    const bounded = { ...session, maxLoginRequests: () => 1 };
    const { io, log } = scripted([respond({ body: 'csrf page' })]);
    const answer = walkLogin(bounded, form, user1, walkTools(), io);
    assert.deepEqual(answer.result, {
      kind: 'failed',
      reason:
        'login walk too long; reason: expected at most 1 requests, got one more for step "login"',
    });
    assert.deepEqual(log, ['send login csrf', 'read page {}']);
  });
});

describe('runAttempts', () => {
  const settings = reference.retry;
  const worked: RetryState = { ...initialRetryState(), accountWorked: true };

  it('returns a first success at once, counted as an attempt that did not fail', () => {
    const { io, log } = scripted([tokenAnswer()]);
    const { outcome, retry } = runAttempts(
      'login',
      tokenLogin(io),
      initialRetryState(),
      settings,
      io,
    );
    assert.deepEqual(outcome, {
      kind: 'done',
      tokens: { accessToken: 't1', expiresInSeconds: 60 },
      view: tokenAnswer(),
    });
    assert.deepEqual(retry, worked);
    assert.deepEqual(log, ['send login login', 'count login ok']);
  });

  it('waits out the rest of a hold-off before the attempt', () => {
    const { io, log } = scripted([tokenAnswer()]);
    const holdingOff = { ...initialRetryState(), failureStreak: 2, holdOffUntilMs: NOW + 1500 };
    const { retry } = runAttempts('login', tokenLogin(io), holdingOff, settings, io);
    assert.deepEqual(retry, worked);
    assert.deepEqual(log, ['sleep 1.5', 'send login login', 'count login ok']);
  });

  it('retries a transient failure after the back-off, then succeeds and ends the streak', () => {
    const { io, log } = scripted([respond({ status: 503 }), tokenAnswer()]);
    const { outcome, retry } = runAttempts(
      'login',
      tokenLogin(io),
      initialRetryState(),
      settings,
      io,
    );
    assert.equal(outcome.kind, 'done');
    assert.deepEqual(retry, worked);
    // Full jitter: random 0.5 of the first back-off's 200 ms.
    assert.deepEqual(log, [
      'send login login',
      'count login failed',
      'sleep 0.1',
      'send login login',
      'count login ok',
    ]);
  });

  it('waits as long as Retry-After asks before the next attempt', () => {
    const limited = respond({ status: 429, headers: { 'retry-after': '1' } });
    const { io, log } = scripted([limited, tokenAnswer()]);
    runAttempts('login', tokenLogin(io), initialRetryState(), settings, io);
    assert.deepEqual(log, [
      'send login login',
      'count login failed',
      'sleep 1.1',
      'send login login',
      'count login ok',
    ]);
  });

  it('gives up after the last attempt, warns once why, and holds the VU off', () => {
    const { io, log, now } = scripted([500, 500, 500].map((status) => respond({ status })));
    const { outcome, retry } = runAttempts(
      'login',
      tokenLogin(io),
      initialRetryState(),
      settings,
      io,
    );
    assert.deepEqual(outcome, { kind: 'failed', status: 500, url: 'http://127.0.0.1:8080/login' });
    assert.deepEqual(retry, {
      ...initialRetryState(),
      failureStreak: 3,
      holdOffUntilMs: now() + 400,
    });
    assert.deepEqual(log, [
      'send login login',
      'count login failed',
      'sleep 0.1',
      'send login login',
      'count login failed',
      'sleep 0.2',
      'send login login',
      'count login failed',
      'warn login failed; gave up after 3 attempts; reason: expected a success, got status 500',
    ]);
  });

  it('never retries a refused login, and names the answer’s OAuth error code', () => {
    const refused = respond({ status: 401, body: '{"error":"invalid_grant"}' });
    const { io, log } = scripted([refused]);
    const { outcome, retry } = runAttempts(
      'login',
      tokenLogin(io),
      initialRetryState(),
      settings,
      io,
    );
    assert.deepEqual(outcome, { kind: 'failed', status: 401, url: 'http://127.0.0.1:8080/login' });
    assert.equal(retry.loginRefused, true);
    assert.deepEqual(log, [
      'send login login',
      'count login failed',
      'warn login failed; the server refused; reason: got status 401; this account is not tried again by this VU (invalid_grant)',
    ]);
  });

  it('warns a failure’s own reason when it has one, once, and hands the reason on', () => {
    const { io, log } = scripted([respond({ body: '{"expiresIn":60}' })]);
    const { outcome } = runAttempts('login', tokenLogin(io), initialRetryState(), settings, io);
    const reason =
      'unreadable login answer; reason: expected a non-empty string at "token", got nothing';
    assert.deepEqual(outcome, {
      kind: 'failed',
      status: 200,
      url: 'http://127.0.0.1:8080/login',
      reason,
    });
    assert.deepEqual(log, [
      'send login login',
      'count login failed',
      `warn login failed; ${reason}`,
    ]);
  });

  it('hands a refused refresh straight back, with no wait and no warning, so a login can follow', () => {
    const { io, log } = scripted([respond({ status: 400, body: '{"error":"invalid_grant"}' })]);
    const start = { ...initialRetryState(), accountWorked: true };
    const { outcome, retry } = runAttempts('refresh', dualRefresh(io), start, settings, io);
    assert.deepEqual(outcome, {
      kind: 'refused',
      status: 400,
      url: 'http://127.0.0.1:8080/refresh',
    });
    assert.equal(retry, start);
    assert.deepEqual(log, ['send refresh refresh', 'count refresh failed']);
  });

  it('starts a refresh outage when a refresh gives up, and a successful refresh ends it', () => {
    const down = [500, 500, 500].map((status) => respond({ status }));
    const { io } = scripted([
      ...down,
      respond({ body: '{"accessToken":"a2","refreshToken":"r2","expiresIn":60}' }),
    ]);
    const failed = runAttempts('refresh', dualRefresh(io), worked, settings, io);
    assert.equal(failed.outcome.kind, 'failed');
    assert.equal(failed.retry.refreshOutage, 'ongoing');
    const again = runAttempts('refresh', dualRefresh(io), failed.retry, settings, io);
    assert.equal(again.outcome.kind, 'done');
    assert.deepEqual(again.retry, worked);
  });
});
