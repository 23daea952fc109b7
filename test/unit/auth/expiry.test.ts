import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeSessionExpiry,
  computeTokenExpiry,
  isRenewDue,
  planRenewAtMs,
} from '../../../lib/core/auth/expiry.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const auto = { source: 'auto', lifetimeSeconds: null } as const;

describe('computeTokenExpiry', () => {
  it('counts expires_in from the moment the response was received', () => {
    assert.deepEqual(
      computeTokenExpiry({ settings: auto, receivedAtMs: NOW, expiresInSeconds: 300 }),
      { source: 'expires_in', expiresAtMs: NOW + 300_000, lifetimeMs: 300_000 },
    );
  });

  it('prefers expires_in over a JWT exp set by a server whose clock is two minutes ahead', () => {
    const jwt = { expSeconds: NOW / 1000 + 120 + 60 };
    assert.deepEqual(
      computeTokenExpiry({ settings: auto, receivedAtMs: NOW, expiresInSeconds: 60, jwt }),
      { source: 'expires_in', expiresAtMs: NOW + 60_000, lifetimeMs: 60_000 },
    );
  });

  it('measures a JWT from receipt by exp minus iat when the server clock is two minutes behind', () => {
    const serverNowSeconds = NOW / 1000 - 120;
    const jwt = { iatSeconds: serverNowSeconds, expSeconds: serverNowSeconds + 2 };
    assert.deepEqual(computeTokenExpiry({ settings: auto, receivedAtMs: NOW, jwt }), {
      source: 'jwt',
      expiresAtMs: NOW + 2000,
      lifetimeMs: 2000,
    });
  });

  it('uses exp against the local clock when a truncated iat would stretch the lifetime', () => {
    // Issued at 12:00:00.4: iat rounds down to 12:00:00, exp up to 12:00:03; received at .5.
    const jwt = { iatSeconds: NOW / 1000, expSeconds: NOW / 1000 + 3 };
    assert.deepEqual(computeTokenExpiry({ settings: auto, receivedAtMs: NOW + 500, jwt }), {
      source: 'jwt',
      expiresAtMs: NOW + 3000,
      lifetimeMs: 2500,
    });
  });

  it('uses exp minus iat from receipt when the server clock runs two minutes ahead', () => {
    const jwt = { iatSeconds: NOW / 1000 + 120, expSeconds: NOW / 1000 + 180 };
    assert.deepEqual(computeTokenExpiry({ settings: auto, receivedAtMs: NOW, jwt }), {
      source: 'jwt',
      expiresAtMs: NOW + 60_000,
      lifetimeMs: 60_000,
    });
  });

  it('uses a JWT exp without iat against the local clock', () => {
    const jwt = { expSeconds: NOW / 1000 + 90 };
    assert.deepEqual(computeTokenExpiry({ settings: auto, receivedAtMs: NOW, jwt }), {
      source: 'jwt',
      expiresAtMs: NOW + 90_000,
      lifetimeMs: 90_000,
    });
  });

  it('skips a JWT exp already past on arrival and falls back to the configured lifetime', () => {
    const jwt = { expSeconds: NOW / 1000 - 30 };
    const settings = { source: 'auto', lifetimeSeconds: 45 } as const;
    assert.deepEqual(computeTokenExpiry({ settings, receivedAtMs: NOW, jwt }), {
      source: 'fixed',
      expiresAtMs: NOW + 45_000,
      lifetimeMs: 45_000,
    });
  });

  it('gives none when nothing tells the lifetime', () => {
    assert.deepEqual(computeTokenExpiry({ settings: auto, receivedAtMs: NOW }), {
      source: 'none',
      expiresAtMs: null,
      lifetimeMs: null,
    });
  });

  it('ignores an expires_in of zero or less', () => {
    const settings = { source: 'auto', lifetimeSeconds: 10 } as const;
    assert.equal(
      computeTokenExpiry({ settings, receivedAtMs: NOW, expiresInSeconds: 0 }).source,
      'fixed',
    );
    assert.equal(
      computeTokenExpiry({ settings, receivedAtMs: NOW, expiresInSeconds: -1 }).source,
      'fixed',
    );
  });

  it('uses only the chosen source when it is not auto', () => {
    const jwt = { expSeconds: NOW / 1000 + 90 };
    const input = { receivedAtMs: NOW, expiresInSeconds: 60, jwt };
    assert.equal(
      computeTokenExpiry({ ...input, settings: { source: 'jwt', lifetimeSeconds: 5 } }).lifetimeMs,
      90_000,
    );
    assert.equal(
      computeTokenExpiry({ ...input, settings: { source: 'fixed', lifetimeSeconds: 5 } })
        .lifetimeMs,
      5000,
    );
    assert.equal(
      computeTokenExpiry({
        receivedAtMs: NOW,
        settings: { source: 'expires_in', lifetimeSeconds: 5 },
      }).source,
      'none',
    );
    assert.equal(
      computeTokenExpiry({
        receivedAtMs: NOW,
        settings: { source: 'fixed', lifetimeSeconds: null },
      }).source,
      'none',
    );
  });
});

describe('computeSessionExpiry', () => {
  const cookie = (expiresAtMs: number | null) => ({ name: 'sid', expiresAtMs, setAtMs: NOW });

  it('ends with the session cookie, whose lifetime counts from when it was set', () => {
    assert.deepEqual(
      computeSessionExpiry({ cookie: cookie(NOW + 5000), idleSeconds: null, usedAtMs: NOW + 1000 }),
      { source: 'cookie', expiresAtMs: NOW + 5000, lifetimeMs: 5000 },
    );
  });

  it('ends an idle timeout after the last use, for a browser-session cookie', () => {
    assert.deepEqual(
      computeSessionExpiry({ cookie: cookie(null), idleSeconds: 60, usedAtMs: NOW + 1000 }),
      { source: 'idle', expiresAtMs: NOW + 61_000, lifetimeMs: 60_000 },
    );
  });

  it('takes whichever ends first, the cookie or the idle timeout', () => {
    const long = cookie(NOW + 3_600_000);
    assert.equal(
      computeSessionExpiry({ cookie: long, idleSeconds: 60, usedAtMs: NOW })?.source,
      'idle',
    );
    assert.deepEqual(
      computeSessionExpiry({ cookie: long, idleSeconds: 60, usedAtMs: NOW + 3_590_000 }),
      { source: 'cookie', expiresAtMs: NOW + 3_600_000, lifetimeMs: 3_600_000 },
    );
  });

  it('knows nothing for a browser-session cookie without a known idle timeout', () => {
    assert.equal(
      computeSessionExpiry({ cookie: cookie(null), idleSeconds: null, usedAtMs: NOW }),
      undefined,
    );
    assert.equal(
      computeSessionExpiry({ cookie: cookie(null), idleSeconds: 0, usedAtMs: NOW }),
      undefined,
    );
  });
});

describe('planRenewAtMs', () => {
  const expiry = (lifetimeSeconds: number) =>
    ({
      source: 'expires_in',
      expiresAtMs: NOW + lifetimeSeconds * 1000,
      lifetimeMs: lifetimeSeconds * 1000,
    }) as const;

  it('renews the leeway before expiry when the jitter draws zero', () => {
    const at = planRenewAtMs({
      expiry: expiry(300),
      leewaySeconds: 30,
      jitterSeconds: 10,
      random: () => 0,
    });
    assert.equal(at, NOW + 270_000);
  });

  it('renews up to leeway plus jitter before expiry when the jitter draws its maximum', () => {
    const at = planRenewAtMs({
      expiry: expiry(300),
      leewaySeconds: 30,
      jitterSeconds: 10,
      random: () => 0.999_999,
    });
    assert.ok(at !== null && at > NOW + 260_000 && at <= NOW + 260_001, `got ${at}`);
  });

  it('keeps every draw within [expiry − leeway − jitter, expiry − leeway]', () => {
    for (const draw of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999]) {
      const at = planRenewAtMs({
        expiry: expiry(300),
        leewaySeconds: 30,
        jitterSeconds: 10,
        random: () => draw,
      });
      assert.ok(at !== null && at >= NOW + 260_000 && at <= NOW + 270_000, `draw ${draw}: ${at}`);
    }
  });

  it('caps leeway and jitter together at half the lifetime, so a 1-second token still works', () => {
    const earliest = planRenewAtMs({
      expiry: expiry(1),
      leewaySeconds: 30,
      jitterSeconds: 10,
      random: () => 0.999_999,
    });
    const latest = planRenewAtMs({
      expiry: expiry(1),
      leewaySeconds: 30,
      jitterSeconds: 10,
      random: () => 0,
    });
    assert.ok(earliest !== null && Math.abs(earliest - (NOW + 500)) < 0.01, `got ${earliest}`);
    // The jitter shrinks in proportion instead of vanishing: 30:10 of 500 ms is 375 + 125.
    assert.equal(latest, NOW + 625);
  });

  it('does not cap a leeway that fits in half the lifetime', () => {
    const at = planRenewAtMs({
      expiry: expiry(2),
      leewaySeconds: 0.25,
      jitterSeconds: 0.25,
      random: () => 0,
    });
    assert.equal(at, NOW + 1750);
  });

  it('treats a negative leeway or jitter as zero', () => {
    const at = planRenewAtMs({
      expiry: expiry(10),
      leewaySeconds: -5,
      jitterSeconds: -1,
      random: () => 0.5,
    });
    assert.equal(at, NOW + 10_000);
  });

  it('gives null when the expiry is unknown', () => {
    const at = planRenewAtMs({
      expiry: { source: 'none', expiresAtMs: null, lifetimeMs: null },
      leewaySeconds: 30,
      jitterSeconds: 10,
      random: () => 0,
    });
    assert.equal(at, null);
  });
});

describe('isRenewDue', () => {
  it('is false before the renewal moment and true from it on', () => {
    assert.equal(isRenewDue(NOW, NOW - 1), false);
    assert.equal(isRenewDue(NOW, NOW), true);
    assert.equal(isRenewDue(NOW, NOW + 1), true);
  });

  it('is never due when there is no renewal moment', () => {
    assert.equal(isRenewDue(null, Number.MAX_SAFE_INTEGER), false);
  });
});
