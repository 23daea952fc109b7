import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AuthState,
  applyAttemptSuccess,
  applyLogin,
  applyLogout,
  applyLoss,
  applyRefresh,
  applySessionUse,
  decideAfterFailure,
  holdOffWaitMs,
  initialAuthState,
  initialRetryState,
  isUnexpired,
  mayLogIn,
  planBeforeRequest,
  planLogin,
  planLogout,
  planOnRejection,
  type RenewalPolicy,
  type RetryState,
  refusalStopMessage,
  refusalStopsTest,
  type SessionTiming,
  toTokenUpdate,
} from '../../../lib/core/auth/engine.ts';
import type { ExpirySettings } from '../../../lib/core/auth/profile.ts';
import type { TokenSet } from '../../../lib/core/auth/responses.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const expiry = {
  source: 'auto',
  lifetimeSeconds: null,
  leewaySeconds: 10,
  jitterSeconds: 0,
} as const;
const noJitter = () => 0;
const SESSION: RenewalPolicy = { renewBy: 'login', freshJarPerLogin: true };
const TOKEN: RenewalPolicy = { renewBy: 'login', freshJarPerLogin: false };
const DUAL: RenewalPolicy = { renewBy: 'refresh', freshJarPerLogin: false };

/** `planBeforeRequest` with no failed attempts, as one word: send, or the renewal. */
function beforeRequest(policy: RenewalPolicy, state: AuthState, nowMs: number): string {
  const plan = planBeforeRequest(policy, state, initialRetryState(), nowMs);
  return plan.kind === 'send' ? 'send' : plan.action;
}

/** `planOnRejection`'s action with no failed attempts. */
function onRejection(policy: RenewalPolicy, state: AuthState, sentWithGeneration: number): string {
  return planOnRejection(policy, state, sentWithGeneration, initialRetryState()).action;
}

function loggedIn(
  tokens: TokenSet = { accessToken: 'a1', refreshToken: 'r1', expiresInSeconds: 60 },
) {
  return applyLogin(initialAuthState(), { tokens, receivedAtMs: NOW, expiry, random: noJitter });
}

describe('planBeforeRequest, without failed attempts', () => {
  it('logs in on the first request of a VU', () => {
    assert.equal(beforeRequest(DUAL, initialAuthState(), NOW), 'login');
  });

  it('sends while the renewal moment has not come', () => {
    assert.equal(beforeRequest(DUAL, loggedIn(), NOW + 49_999), 'send');
  });

  it('refreshes in dual mode once the time left drops below the leeway', () => {
    assert.equal(beforeRequest(DUAL, loggedIn(), NOW + 50_000), 'refresh');
  });

  it('logs in again before expiry in token mode, where there is nothing to refresh with', () => {
    const state = loggedIn({ accessToken: 'a1', expiresInSeconds: 60 });
    assert.equal(beforeRequest(TOKEN, state, NOW + 50_000), 'relogin');
  });

  it('logs in again in dual mode when the server gave no refresh token', () => {
    const state = loggedIn({ accessToken: 'a1', expiresInSeconds: 60 });
    assert.equal(beforeRequest(DUAL, state, NOW + 55_000), 'relogin');
  });

  it('never renews a session of unknown lifetime before the server rejects it', () => {
    const state = applyLogin(initialAuthState(), { receivedAtMs: NOW, expiry, random: noJitter });
    assert.equal(beforeRequest(SESSION, state, NOW + 86_400_000), 'send');
  });

  it('renews a session whose lifetime is configured', () => {
    const state = applyLogin(initialAuthState(), {
      receivedAtMs: NOW,
      expiry: { ...expiry, lifetimeSeconds: 30 },
      random: noJitter,
    });
    assert.equal(beforeRequest(SESSION, state, NOW + 19_999), 'send');
    assert.equal(beforeRequest(SESSION, state, NOW + 20_000), 'relogin');
  });

  it('logs in again, counted as a re-login, once the credentials are lost', () => {
    assert.equal(beforeRequest(DUAL, applyLoss(loggedIn()), NOW), 'relogin');
  });
});

describe('planOnRejection, without failed attempts', () => {
  it('refreshes once in dual mode when the rejected credentials are still the current ones', () => {
    const state = loggedIn();
    assert.equal(onRejection(DUAL, state, state.generation), 'refresh');
  });

  it('logs in again in token and session mode', () => {
    const state = loggedIn();
    assert.equal(onRejection(TOKEN, state, state.generation), 'relogin');
    assert.equal(onRejection(SESSION, state, state.generation), 'relogin');
  });

  it('only retries when a parallel request already renewed the credentials', () => {
    const sent = loggedIn();
    const now = applyRefresh(sent, {
      tokens: { accessToken: 'a2', refreshToken: 'r2', expiresInSeconds: 60 },
      receivedAtMs: NOW + 1000,
      expiry,
      random: noJitter,
    });
    assert.equal(onRejection(DUAL, now, sent.generation), 'retry');
  });

  it('renews when a parallel request lost the credentials instead of renewing them', () => {
    const sent = loggedIn();
    const lost = applyLoss(sent);
    assert.equal(onRejection(DUAL, lost, sent.generation), 'relogin');
  });
});

describe('applyLogin and applyRefresh', () => {
  it('stores tokens, expiry and a renewal moment, and counts the login', () => {
    const state = loggedIn();
    assert.deepEqual(state, {
      authenticated: true,
      generation: 1,
      accessToken: 'a1',
      refreshToken: 'r1',
      expiry: { source: 'expires_in', expiresAtMs: NOW + 60_000, lifetimeMs: 60_000 },
      renewAtMs: NOW + 50_000,
      logins: 1,
    } satisfies AuthState);
  });

  it('stores a rotated refresh token and bumps the generation', () => {
    const state = applyRefresh(loggedIn(), {
      tokens: { accessToken: 'a2', refreshToken: 'r2', expiresInSeconds: 60 },
      receivedAtMs: NOW + 50_000,
      expiry,
      random: noJitter,
    });
    assert.equal(state.accessToken, 'a2');
    assert.equal(state.refreshToken, 'r2');
    assert.equal(state.generation, 2);
    assert.equal(state.logins, 1);
    assert.equal(state.renewAtMs, NOW + 100_000);
  });

  it('keeps the old refresh token when the refresh answer has none', () => {
    const state = applyRefresh(loggedIn(), {
      tokens: { accessToken: 'a2', expiresInSeconds: 60 },
      receivedAtMs: NOW + 50_000,
      expiry,
      random: noJitter,
    });
    assert.equal(state.refreshToken, 'r1');
  });

  it('drops an earlier refresh token when a new login gives none', () => {
    const state = applyLogin(loggedIn(), {
      tokens: { accessToken: 'a3' },
      receivedAtMs: NOW,
      expiry,
      random: noJitter,
    });
    assert.equal(state.refreshToken, undefined);
    assert.equal(state.logins, 2);
  });

  it('uses the JWT expiry when the response has no expires_in', () => {
    const state = applyLogin(initialAuthState(), {
      tokens: { accessToken: 'a1' },
      receivedAtMs: NOW,
      jwt: { iatSeconds: 0, expSeconds: 20 },
      expiry,
      random: noJitter,
    });
    assert.deepEqual(state.expiry, {
      source: 'jwt',
      expiresAtMs: NOW + 20_000,
      lifetimeMs: 20_000,
    });
    assert.equal(state.renewAtMs, NOW + 10_000);
  });

  it('forgets every token once the credentials are lost, but not the login count', () => {
    const state = applyLoss(loggedIn());
    assert.equal(state.authenticated, false);
    assert.equal(state.accessToken, undefined);
    assert.equal(state.refreshToken, undefined);
    assert.equal(state.renewAtMs, null);
    assert.equal(state.logins, 1);
  });
});

describe('session expiry', () => {
  const cookie = (maxAgeSeconds: number | null, atMs = NOW) => ({
    name: 'sid',
    expiresAtMs: maxAgeSeconds === null ? null : atMs + maxAgeSeconds * 1000,
    setAtMs: atMs,
  });
  const sessionLogin = (
    session: SessionTiming,
    settings: ExpirySettings = expiry,
    random = noJitter,
  ) => applyLogin(initialAuthState(), { receivedAtMs: NOW, session, expiry: settings, random });

  it('plans the re-login before the session cookie ends, with the token leeway capped at half its life', () => {
    const state = sessionLogin({ cookie: cookie(5), idleSeconds: null });
    assert.deepEqual(state.expiry, { source: 'cookie', expiresAtMs: NOW + 5000, lifetimeMs: 5000 });
    assert.equal(state.renewAtMs, NOW + 2500);
    assert.equal(beforeRequest(SESSION, state, NOW + 2499), 'send');
    assert.equal(beforeRequest(SESSION, state, NOW + 2500), 'relogin');
  });

  it('spreads the re-logins with the same jitter as token renewals', () => {
    const settings = { ...expiry, leewaySeconds: 10, jitterSeconds: 20 };
    const state = sessionLogin({ cookie: cookie(600), idleSeconds: null }, settings, () => 0.5);
    assert.equal(state.renewAtMs, NOW + 600_000 - 10_000 - 10_000);
  });

  it('falls back to expiry.lifetimeSeconds from login for a session of unknown end', () => {
    const settings = { ...expiry, lifetimeSeconds: 30 };
    const state = sessionLogin({ cookie: cookie(null), idleSeconds: null }, settings);
    assert.equal(state.expiry.source, 'fixed');
    assert.equal(state.renewAtMs, NOW + 20_000);
  });

  it('moves the deadline when a protected answer sets the session cookie again (sliding)', () => {
    const state = sessionLogin({ cookie: cookie(30), idleSeconds: null });
    const slid = applySessionUse(
      state,
      { atMs: NOW + 15_000, cookie: cookie(30, NOW + 15_000) },
      expiry,
      noJitter,
    );
    assert.deepEqual(slid.expiry, {
      source: 'cookie',
      expiresAtMs: NOW + 45_000,
      lifetimeMs: 30_000,
    });
    assert.equal(slid.renewAtMs, NOW + 35_000);
    assert.equal(slid.generation, state.generation, 'the same credentials');
    assert.equal(beforeRequest(SESSION, slid, NOW + 25_000), 'send');
  });

  it('makes the re-login due at once when a protected answer deletes the session cookie', () => {
    const state = sessionLogin({ cookie: cookie(30), idleSeconds: null });
    const deleted = { name: 'sid', expiresAtMs: NOW + 1000, setAtMs: NOW + 1000 };
    const next = applySessionUse(state, { atMs: NOW + 1000, cookie: deleted }, expiry, noJitter);
    assert.equal(next.renewAtMs, NOW + 1000);
    assert.equal(beforeRequest(SESSION, next, NOW + 1000), 'relogin');
    assert.equal(isUnexpired(next, NOW + 1000), false);
  });

  it('counts a known idle timeout from the last answered request', () => {
    const state = sessionLogin({ cookie: cookie(null), idleSeconds: 60 });
    assert.deepEqual(state.expiry, {
      source: 'idle',
      expiresAtMs: NOW + 60_000,
      lifetimeMs: 60_000,
    });
    const used = applySessionUse(state, { atMs: NOW + 40_000 }, expiry, noJitter);
    assert.equal(used.expiry.expiresAtMs, NOW + 100_000);
    assert.equal(used.renewAtMs, NOW + 90_000);
  });

  it('ends a busy session with an idle timeout at its cookie’s end all the same', () => {
    const state = sessionLogin({ cookie: cookie(100), idleSeconds: 60 });
    const used = applySessionUse(state, { atMs: NOW + 80_000 }, expiry, noJitter);
    assert.deepEqual(used.expiry, {
      source: 'cookie',
      expiresAtMs: NOW + 100_000,
      lifetimeMs: 100_000,
    });
  });

  it('keeps the login’s expiry when a re-sent cookie still tells no end', () => {
    const settings = { ...expiry, lifetimeSeconds: 30 };
    const state = sessionLogin({ cookie: cookie(null), idleSeconds: null }, settings);
    const next = applySessionUse(
      state,
      { atMs: NOW + 1000, cookie: cookie(null, NOW + 1000) },
      expiry,
      noJitter,
    );
    assert.deepEqual(next.expiry, state.expiry);
    assert.equal(next.renewAtMs, state.renewAtMs);
    assert.equal(next.session?.cookie.setAtMs, NOW + 1000);
  });

  it('changes nothing outside session mode or once the session is lost', () => {
    const token = loggedIn();
    assert.equal(applySessionUse(token, { atMs: NOW }, expiry, noJitter), token);
    const lost = applyLoss(sessionLogin({ cookie: cookie(30), idleSeconds: null }));
    assert.equal(lost.session, undefined);
    assert.equal(applySessionUse(lost, { atMs: NOW, cookie: cookie(30) }, expiry, noJitter), lost);
  });

  it('forgets the session cookie of an earlier login when a login tells none', () => {
    const state = sessionLogin({ cookie: cookie(30), idleSeconds: null });
    const again = applyLogin(state, { receivedAtMs: NOW, expiry, random: noJitter });
    assert.equal(again.session, undefined);
  });
});

describe('planBeforeRequest', () => {
  const holdingOff: RetryState = {
    ...initialRetryState(),
    failureStreak: 3,
    holdOffUntilMs: NOW + 55_000,
  };

  it('sends while the renewal moment has not come, whatever the hold-off', () => {
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), holdingOff, NOW + 1000), { kind: 'send' });
  });

  it('renews once the renewal moment has come and nothing holds off', () => {
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), initialRetryState(), NOW + 50_000), {
      kind: 'renew',
      action: 'refresh',
    });
  });

  it('keeps using unexpired credentials while a failed renewal holds off', () => {
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), holdingOff, NOW + 50_000), {
      kind: 'send',
    });
  });

  it('falls back to a login once per refresh outage, and again only after a refresh worked', () => {
    const failing = { ...initialRetryState(), failureStreak: 3, refreshOutage: 'ongoing' } as const;
    const afterLogin = applyAttemptSuccess(failing, 'login');
    const worked = { ...initialRetryState(), accountWorked: true };
    assert.deepEqual(afterLogin, { ...worked, refreshOutage: 'fell-back' });
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), afterLogin, NOW + 60_000), {
      kind: 'renew',
      action: 'refresh',
    });
    assert.equal(planOnRejection(DUAL, loggedIn(), 1, afterLogin).action, 'refresh');
    assert.deepEqual(applyAttemptSuccess(afterLogin, 'refresh'), worked);
    assert.deepEqual(applyAttemptSuccess(initialRetryState(), 'login'), worked);
  });

  it('logs in again, once the access token has expired, when refreshing it kept failing', () => {
    const failedRefresh = {
      ...initialRetryState(),
      failureStreak: 3,
      refreshOutage: 'ongoing',
    } as const;
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), failedRefresh, NOW + 50_000), {
      kind: 'renew',
      action: 'refresh',
    });
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), failedRefresh, NOW + 60_000), {
      kind: 'renew',
      action: 'relogin',
    });
  });

  it('renews credentials that expired during the hold-off, which the client waits out first', () => {
    const longHoldOff = { ...initialRetryState(), failureStreak: 3, holdOffUntilMs: NOW + 90_000 };
    assert.deepEqual(planBeforeRequest(DUAL, loggedIn(), longHoldOff, NOW + 60_000), {
      kind: 'renew',
      action: 'refresh',
    });
  });

  it('renews once the hold-off is over', () => {
    assert.deepEqual(planBeforeRequest(TOKEN, loggedIn(), holdingOff, NOW + 55_000), {
      kind: 'renew',
      action: 'relogin',
    });
  });

  it('logs in a VU without credentials even while holding off', () => {
    assert.deepEqual(planBeforeRequest(SESSION, initialAuthState(), holdingOff, NOW), {
      kind: 'renew',
      action: 'login',
    });
  });
});

describe('isUnexpired and holdOffWaitMs', () => {
  it('says credentials are usable until the moment they expire, not at it', () => {
    assert.equal(isUnexpired(loggedIn(), NOW + 59_999), true);
    assert.equal(isUnexpired(loggedIn(), NOW + 60_000), false);
  });

  it('never counts lost credentials or credentials of unknown expiry as unexpired', () => {
    assert.equal(isUnexpired(applyLoss(loggedIn()), NOW), false);
    const session = applyLogin(initialAuthState(), { receivedAtMs: NOW, expiry, random: noJitter });
    assert.equal(isUnexpired(session, NOW), false);
  });

  it('waits out the rest of a hold-off, and not at all once it is over', () => {
    const retry = { ...initialRetryState(), failureStreak: 1, holdOffUntilMs: NOW + 1500 };
    assert.equal(holdOffWaitMs(retry, NOW + 500), 1000);
    assert.equal(holdOffWaitMs(retry, NOW + 1500), 0);
    assert.equal(holdOffWaitMs(initialRetryState(), NOW), 0);
  });
});

describe('planOnRejection', () => {
  it('answers a rejection with a new login when refreshing kept failing', () => {
    const state = loggedIn();
    const failedRefresh = { ...initialRetryState(), refreshOutage: 'ongoing' } as const;
    const plan = planOnRejection(DUAL, state, state.generation, failedRefresh);
    assert.equal(plan.action, 'relogin');
    assert.equal(plan.state.authenticated, false);
  });

  it('drops the credentials before a new login, since the server said they are gone', () => {
    const state = loggedIn({ accessToken: 'a1', expiresInSeconds: 60 });
    const plan = planOnRejection(TOKEN, state, state.generation, initialRetryState());
    assert.equal(plan.action, 'relogin');
    assert.deepEqual(plan.state, applyLoss(state));
  });

  it('keeps the state for a refresh, which needs the refresh token', () => {
    const state = loggedIn();
    assert.deepEqual(planOnRejection(DUAL, state, state.generation, initialRetryState()), {
      action: 'refresh',
      state,
    });
  });

  it('keeps the state when a parallel request already renewed', () => {
    const state = loggedIn();
    assert.deepEqual(planOnRejection(DUAL, state, state.generation - 1, initialRetryState()), {
      action: 'retry',
      state,
    });
  });
});

describe('planLogin', () => {
  it('counts the first login as a login, in the jar the VU started with', () => {
    assert.deepEqual(planLogin(SESSION, initialAuthState()), {
      isRelogin: false,
      freshJar: false,
      restoreJarOnFailure: false,
    });
  });

  it('starts a session re-login from an empty jar, and goes back to the old one if it fails', () => {
    assert.deepEqual(planLogin(SESSION, loggedIn()), {
      isRelogin: true,
      freshJar: true,
      restoreJarOnFailure: true,
    });
  });

  it('does not go back to the jar of a session known to be lost', () => {
    assert.deepEqual(planLogin(SESSION, applyLoss(loggedIn())), {
      isRelogin: true,
      freshJar: true,
      restoreJarOnFailure: false,
    });
  });

  it('keeps the jar in token and dual mode, where it holds no credentials', () => {
    assert.deepEqual(planLogin(TOKEN, loggedIn()), {
      isRelogin: true,
      freshJar: false,
      restoreJarOnFailure: false,
    });
  });
});

describe('decideAfterFailure', () => {
  const settings = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000, retryAfterMaxSeconds: 30 };
  const half = () => 0.5;

  it('sends a refused refresh straight to a login, without growing the failure streak', () => {
    const retry = { ...initialRetryState(), failureStreak: 2 };
    const failed = { what: 'refresh', status: 400, attempt: 1 } as const;
    assert.deepEqual(decideAfterFailure(retry, failed, settings, NOW, half), {
      kind: 'refused-refresh',
      retry,
    });
  });

  it('gives up on a refused login at once and never tries that account again', () => {
    const failed = { what: 'login', status: 401, attempt: 1 } as const;
    const decision = decideAfterFailure(initialRetryState(), failed, settings, NOW, half);
    assert.deepEqual(decision, {
      kind: 'give-up',
      failure: 'refused',
      reason:
        'the server refused; reason: got status 401; this account is not tried again by this VU',
      retry: {
        ...initialRetryState(),
        failureStreak: 1,
        holdOffUntilMs: NOW + 100,
        loginRefused: true,
      },
    });
    assert.equal(mayLogIn(initialRetryState()), true);
    assert.equal(mayLogIn(decision.retry), false);
    // Before the account has worked, any refusal stops the test: it is a misconfiguration.
    assert.equal(refusalStopsTest(decision.retry, true), true);
    assert.equal(refusalStopsTest(decision.retry, false), true);
    assert.equal(refusalStopsTest(initialRetryState(), true), false);
    // After, only an account VUs share does: every other VU would try it too.
    const worked = { ...initialRetryState(), accountWorked: true };
    const later = decideAfterFailure(worked, failed, settings, NOW, half);
    assert.equal(later.kind === 'give-up' && later.retry.accountWorked, true);
    assert.equal(refusalStopsTest(later.retry, true), true);
    assert.equal(refusalStopsTest(later.retry, false), false);
  });

  it('retries a transient failure after a back-off while attempts are left', () => {
    const failed = { what: 'login', status: 503, attempt: 1 } as const;
    assert.deepEqual(decideAfterFailure(initialRetryState(), failed, settings, NOW, half), {
      kind: 'retry',
      delayMs: 100,
      retry: { ...initialRetryState(), failureStreak: 1 },
    });
  });

  it('retries a refresh that got no response at all rather than logging in', () => {
    const failed = { what: 'refresh', status: 0, attempt: 1 } as const;
    const decision = decideAfterFailure(initialRetryState(), failed, settings, NOW, half);
    assert.equal(decision.kind, 'retry');
  });

  it('gives up after the last attempt and holds off by a back-off grown with the streak', () => {
    const retry = { ...initialRetryState(), failureStreak: 2 };
    const failed = { what: 'refresh', status: 500, attempt: 3 } as const;
    assert.deepEqual(decideAfterFailure(retry, failed, settings, NOW, half), {
      kind: 'give-up',
      failure: 'transient',
      reason: 'gave up after 3 attempts; reason: expected a success, got status 500',
      retry: {
        ...initialRetryState(),
        failureStreak: 3,
        holdOffUntilMs: NOW + 400,
        refreshOutage: 'ongoing',
      },
    });
  });

  it('waits as long as Retry-After asks, plus jitter, on a 429', () => {
    const failed = { what: 'login', status: 429, attempt: 1, retryAfter: '2' } as const;
    assert.deepEqual(decideAfterFailure(initialRetryState(), failed, settings, NOW, half), {
      kind: 'retry',
      delayMs: 2100,
      retry: { ...initialRetryState(), failureStreak: 1 },
    });
  });

  it('gives up on a Retry-After longer than allowed, and holds off the whole Retry-After plus jitter', () => {
    const failed = { what: 'login', status: 429, attempt: 1, retryAfter: '60' } as const;
    assert.deepEqual(decideAfterFailure(initialRetryState(), failed, settings, NOW, half), {
      kind: 'give-up',
      failure: 'rate-limited',
      reason:
        'Retry-After too long; reason: expected at most 30 s, got 60 s; no attempt before then',
      retry: { ...initialRetryState(), failureStreak: 1, holdOffUntilMs: NOW + 60_100 },
    });
  });

  it('sends no login or refresh before a too-long Retry-After has passed, and keeps unexpired credentials in use meanwhile', () => {
    const policy = { renewBy: 'refresh', freshJarPerLogin: false } as const;
    for (const what of ['login', 'refresh'] as const) {
      const failed = { what, status: 429, attempt: 1, retryAfter: '60' } as const;
      const decision = decideAfterFailure(initialRetryState(), failed, settings, NOW, half);
      assert.equal(decision.kind, 'give-up');
      const { retry } = decision;
      // Every attempt waits out the hold-off first (runAttempts in lib/core/auth/attempts.ts sleeps it).
      assert.equal(holdOffWaitMs(retry, NOW + 1), 60_099);
      assert.equal(holdOffWaitMs(retry, NOW + 59_999), 101);
      assert.equal(holdOffWaitMs(retry, NOW + 60_100), 0);
      // A token still valid is used rather than renewed while held off; a lost one waits.
      const valid = {
        ...initialAuthState(),
        authenticated: true,
        refreshToken: 'r',
        expiry: { source: 'expires_in', expiresAtMs: NOW + 120_000, lifetimeMs: 300_000 },
        renewAtMs: NOW,
      } as const;
      assert.deepEqual(planBeforeRequest(policy, valid, retry, NOW + 1), { kind: 'send' });
      assert.deepEqual(planBeforeRequest(policy, valid, retry, NOW + 60_100), {
        kind: 'renew',
        action: 'refresh',
      });
    }
  });

  it('ends the streak and the hold-off after a success, and notes that the account worked', () => {
    const failing = { ...initialRetryState(), failureStreak: 2, holdOffUntilMs: NOW + 1000 };
    assert.deepEqual(applyAttemptSuccess(failing, 'refresh'), {
      ...initialRetryState(),
      accountWorked: true,
    });
  });
});

describe('toTokenUpdate', () => {
  const jwt = { iatSeconds: 0, expSeconds: 20 };

  function reader() {
    const read: string[] = [];
    const readJwtTimes = (token: string) => {
      read.push(token);
      return jwt;
    };
    return { read, readJwtTimes };
  }

  it('carries what a session login said about the session’s end', () => {
    const session = {
      cookie: { name: 'sid', expiresAtMs: NOW + 5000, setAtMs: NOW },
      idleSeconds: null,
    };
    assert.deepEqual(toTokenUpdate({ session }, NOW, expiry, noJitter), {
      receivedAtMs: NOW,
      expiry,
      random: noJitter,
      session,
    });
  });

  it('carries no tokens for a session login', () => {
    const { read, readJwtTimes } = reader();
    assert.deepEqual(toTokenUpdate({}, NOW, expiry, noJitter, readJwtTimes), {
      receivedAtMs: NOW,
      expiry,
      random: noJitter,
    });
    assert.deepEqual(read, []);
  });

  it('does not decode the JWT when expires_in already answers, in auto mode', () => {
    const { read, readJwtTimes } = reader();
    const tokens = { accessToken: 'a1', expiresInSeconds: 60 };
    const update = toTokenUpdate({ tokens }, NOW, expiry, noJitter, readJwtTimes);
    assert.deepEqual(update, { receivedAtMs: NOW, expiry, random: noJitter, tokens });
    assert.deepEqual(read, []);
  });

  it('decodes the JWT in auto mode when there is no expires_in', () => {
    const { read, readJwtTimes } = reader();
    const update = toTokenUpdate(
      { tokens: { accessToken: 'a1' } },
      NOW,
      expiry,
      noJitter,
      readJwtTimes,
    );
    assert.deepEqual(update.jwt, jwt);
    assert.deepEqual(read, ['a1']);
  });

  it('decodes the JWT whenever the expiry source is jwt', () => {
    const { read, readJwtTimes } = reader();
    const jwtExpiry = { ...expiry, source: 'jwt' } as const;
    const tokens = { accessToken: 'a1', expiresInSeconds: 60 };
    const update = toTokenUpdate({ tokens }, NOW, jwtExpiry, noJitter, readJwtTimes);
    assert.deepEqual(update.jwt, jwt);
    assert.deepEqual(read, ['a1']);
  });

  it('never decodes the JWT with a fixed lifetime', () => {
    const { read, readJwtTimes } = reader();
    const fixed = { ...expiry, source: 'fixed', lifetimeSeconds: 30 } as const;
    toTokenUpdate({ tokens: { accessToken: 'a1' } }, NOW, fixed, noJitter, readJwtTimes);
    assert.deepEqual(read, []);
  });

  it('leaves the JWT times out for an opaque token or a mode that cannot read them', () => {
    const tokens = { accessToken: 'opaque' };
    const opaque = toTokenUpdate({ tokens }, NOW, expiry, noJitter, () => undefined);
    assert.equal('jwt' in opaque, false);
    assert.equal('jwt' in toTokenUpdate({ tokens }, NOW, expiry, noJitter), false);
  });
});

describe('planLogout and applyLogout', () => {
  it('sends a logout only for credentials the VU holds', () => {
    assert.deepEqual(planLogout(DUAL, loggedIn()), { send: true, freshJar: false });
    assert.deepEqual(planLogout(DUAL, initialAuthState()), { send: false, freshJar: false });
    assert.deepEqual(planLogout(DUAL, applyLoss(loggedIn())), { send: false, freshJar: false });
  });

  it('starts session mode from an empty jar after a logout', () => {
    assert.deepEqual(planLogout(SESSION, loggedIn()), { send: true, freshJar: true });
  });

  it('forgets every token, so the next request logs in, counted as a login, not a re-login', () => {
    const state = applyLogout(
      applyRefresh(loggedIn(), {
        tokens: { accessToken: 'a2', refreshToken: 'r2', expiresInSeconds: 60 },
        receivedAtMs: NOW + 1000,
        expiry,
        random: noJitter,
      }),
    );
    assert.deepEqual(state, {
      authenticated: false,
      generation: 2,
      expiry: { source: 'none', expiresAtMs: null, lifetimeMs: null },
      renewAtMs: null,
      logins: 0,
    } satisfies AuthState);
    assert.equal(beforeRequest(DUAL, state, NOW + 2000), 'login');
    assert.equal(planLogin(DUAL, state).isRelogin, false);
  });
});

describe('refusalStopMessage', () => {
  it('names a missing login endpoint, whoever logged in', () => {
    const message = refusalStopMessage({
      username: 'user1',
      accountShared: false,
      status: 404,
      url: 'http://127.0.0.1:8080/signin',
    });
    assert.match(
      message,
      /^the login request to http:\/\/127\.0\.0\.1:8080\/signin answered 404, so no login can work; .*LOGIN_PATH/,
    );
    assert.doesNotMatch(message, /user1/);
  });

  it('names the account, and whether VUs share it', () => {
    assert.match(
      refusalStopMessage({ username: 'user1', accountShared: true, status: 401, url: 'u' }),
      /^the server refused the login of user1, an account VUs share \(-e SHARE_ACCOUNTS=true\), with 401; /,
    );
    assert.match(
      refusalStopMessage({ username: 'user7', accountShared: false, status: 400, url: 'u' }),
      /^the server refused the login of user7 with 400 before it had logged in once; .*password/,
    );
  });

  it('says why an answer with another status was no login', () => {
    const reason =
      'no session cookie; reason: expected the login to set the cookie "sid", got none';
    const refused = { username: 'user1', accountShared: false, status: 200, url: 'u', reason };
    assert.match(
      refusalStopMessage(refused),
      /^the server refused the login of user1 with 200 \(no session cookie; reason: expected the login to set the cookie "sid", got none\) before/,
    );
  });

  it('names the client credentials of a mode without accounts', () => {
    assert.match(
      refusalStopMessage({ username: '', accountShared: false, status: 401, url: 'u' }),
      /^the server refused the client credentials with 401 .*CLIENT_ID and CLIENT_SECRET$/,
    );
  });
});
