import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AuthState,
  applyLogin,
  applyLoss,
  applyRefresh,
  decideBeforeRequest,
  decideOnRejection,
  initialAuthState,
  type RenewalPolicy,
} from '../../../lib/core/auth/engine.ts';
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

function loggedIn(
  tokens: TokenSet = { accessToken: 'a1', refreshToken: 'r1', expiresInSeconds: 60 },
) {
  return applyLogin(initialAuthState(), { tokens, receivedAtMs: NOW, expiry, random: noJitter });
}

describe('decideBeforeRequest', () => {
  it('logs in on the first request of a VU', () => {
    assert.equal(decideBeforeRequest(DUAL, initialAuthState(), NOW), 'login');
  });

  it('sends while the renewal moment has not come', () => {
    assert.equal(decideBeforeRequest(DUAL, loggedIn(), NOW + 49_999), 'send');
  });

  it('refreshes in dual mode once the time left drops below the leeway', () => {
    assert.equal(decideBeforeRequest(DUAL, loggedIn(), NOW + 50_000), 'refresh');
  });

  it('logs in again before expiry in token mode, where there is nothing to refresh with', () => {
    const state = loggedIn({ accessToken: 'a1', expiresInSeconds: 60 });
    assert.equal(decideBeforeRequest(TOKEN, state, NOW + 50_000), 'relogin');
  });

  it('logs in again in dual mode when the server gave no refresh token', () => {
    const state = loggedIn({ accessToken: 'a1', expiresInSeconds: 60 });
    assert.equal(decideBeforeRequest(DUAL, state, NOW + 55_000), 'relogin');
  });

  it('never renews a session of unknown lifetime before the server rejects it', () => {
    const state = applyLogin(initialAuthState(), { receivedAtMs: NOW, expiry, random: noJitter });
    assert.equal(decideBeforeRequest(SESSION, state, NOW + 86_400_000), 'send');
  });

  it('renews a session whose lifetime is configured', () => {
    const state = applyLogin(initialAuthState(), {
      receivedAtMs: NOW,
      expiry: { ...expiry, lifetimeSeconds: 30 },
      random: noJitter,
    });
    assert.equal(decideBeforeRequest(SESSION, state, NOW + 19_999), 'send');
    assert.equal(decideBeforeRequest(SESSION, state, NOW + 20_000), 'relogin');
  });

  it('logs in again, counted as a re-login, once the credentials are lost', () => {
    assert.equal(decideBeforeRequest(DUAL, applyLoss(loggedIn()), NOW), 'relogin');
  });
});

describe('decideOnRejection', () => {
  it('refreshes once in dual mode when the rejected credentials are still the current ones', () => {
    const state = loggedIn();
    assert.equal(decideOnRejection(DUAL, state, state.generation), 'refresh');
  });

  it('logs in again in token and session mode', () => {
    const state = loggedIn();
    assert.equal(decideOnRejection(TOKEN, state, state.generation), 'relogin');
    assert.equal(decideOnRejection(SESSION, state, state.generation), 'relogin');
  });

  it('only retries when a parallel request already renewed the credentials', () => {
    const sent = loggedIn();
    const now = applyRefresh(sent, {
      tokens: { accessToken: 'a2', refreshToken: 'r2', expiresInSeconds: 60 },
      receivedAtMs: NOW + 1000,
      expiry,
      random: noJitter,
    });
    assert.equal(decideOnRejection(DUAL, now, sent.generation), 'retry');
  });

  it('renews when a parallel request lost the credentials instead of renewing them', () => {
    const sent = loggedIn();
    const lost = applyLoss(sent);
    assert.equal(decideOnRejection(DUAL, lost, sent.generation), 'relogin');
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
