import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUserStore } from '../../server/users.ts';

describe('demo users stored as scrypt hashes', () => {
  const users = createUserStore(3, 16);

  it('accepts userN with passN for N from 1 to USERS', async () => {
    for (const n of [1, 2, 3])
      assert.equal(await users.verifyPassword(`user${n}`, `pass${n}`), true);
  });

  it("refuses another user's password, a near miss and an empty password", async () => {
    for (const password of ['pass2', 'pass1 ', 'Pass1', '']) {
      assert.equal(await users.verifyPassword('user1', password), false);
    }
  });

  it('refuses users beyond USERS and names that are not userN, even with the matching password', async () => {
    for (const [username, password] of [
      ['user4', 'pass4'],
      ['user0', 'pass0'],
      ['user01', 'pass01'],
      ['USER1', 'pass1'],
      ['', ''],
    ]) {
      assert.equal(await users.verifyPassword(username ?? '', password ?? ''), false, username);
    }
  });

  it('answers concurrent first logins of one user consistently', async () => {
    const fresh = createUserStore(1, 16);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fresh.verifyPassword('user1', i % 2 === 0 ? 'pass1' : 'x'),
      ),
    );
    assert.deepEqual(answers, [true, false, true, false, true, false, true, false, true, false]);
  });

  it('works at a realistic cost (N = 16384) within Node’s scrypt memory limit', async () => {
    const realistic = createUserStore(1, 16384);
    assert.equal(await realistic.verifyPassword('user1', 'pass1'), true);
  });
});
