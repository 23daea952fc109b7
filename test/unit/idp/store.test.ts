import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createIdpStore } from '../../../idp/store.ts';

describe('the IdP store (oidc-provider adapter)', () => {
  let nowMs = 1_000_000;
  const store = createIdpStore({ now: () => nowMs });
  after(() => store.close());

  it('keeps far more entries than oidc-provider’s 1000-entry development LRU', async () => {
    const tokens = store.adapterFor('RefreshToken');
    for (let i = 0; i < 5000; i += 1) await tokens.upsert(`t${i}`, { jti: `t${i}` }, 60);
    assert.deepEqual(await tokens.find('t0'), { jti: 't0' });
    assert.deepEqual(await tokens.find('t4999'), { jti: 't4999' });
  });

  it('forgets an entry once its expiresIn has passed', async () => {
    const codes = store.adapterFor('AuthorizationCode');
    await codes.upsert('c1', { jti: 'c1' }, 10);
    nowMs += 9_999;
    assert.ok(await codes.find('c1'));
    nowMs += 1;
    assert.equal(await codes.find('c1'), undefined);
  });

  it('marks a consumed entry with the time in epoch seconds', async () => {
    const tokens = store.adapterFor('RefreshToken');
    await tokens.upsert('r1', { jti: 'r1' }, 60);
    await tokens.consume('r1');
    assert.equal((await tokens.find('r1'))?.consumed, Math.floor(nowMs / 1000));
  });

  it('revokes every token of a grant and nothing else', async () => {
    const access = store.adapterFor('AccessToken');
    const refresh = store.adapterFor('RefreshToken');
    await access.upsert('a1', { jti: 'a1', grantId: 'g1' }, 60);
    await refresh.upsert('r2', { jti: 'r2', grantId: 'g1' }, 60);
    await refresh.upsert('r3', { jti: 'r3', grantId: 'g2' }, 60);
    await access.revokeByGrantId('g1');
    assert.equal(await access.find('a1'), undefined);
    assert.equal(await refresh.find('r2'), undefined);
    assert.ok(await refresh.find('r3'));
  });

  it('finds a session by its uid until the session is destroyed', async () => {
    const sessions = store.adapterFor('Session');
    await sessions.upsert('s1', { jti: 's1', uid: 'u1' }, 60);
    assert.deepEqual(await sessions.findByUid('u1'), { jti: 's1', uid: 'u1' });
    await sessions.destroy('s1');
    assert.equal(await sessions.findByUid('u1'), undefined);
  });
});
