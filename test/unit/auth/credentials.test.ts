import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  credentialsIndexForVu,
  demoCredentials,
  parseCredentialsCsv,
  parseCredentialsJson,
} from '../../../lib/core/auth/credentials.ts';

const configError = (code: string, message: string) => ({ name: 'ConfigError', code, message });

describe('parseCredentialsCsv', () => {
  test('it reads a header row and one account a row', () => {
    assert.deepEqual(
      parseCredentialsCsv('username,password\nuser1,pass1\nuser2,pass2\n', 'u.csv'),
      [
        { username: 'user1', password: 'pass1' },
        { username: 'user2', password: 'pass2' },
      ],
    );
  });

  test('it takes the columns in any order and case, ignoring other columns', () => {
    const csv = 'role,Password,USERNAME\nadmin,pa55,alice\n';
    assert.deepEqual(parseCredentialsCsv(csv, 'u.csv'), [{ username: 'alice', password: 'pa55' }]);
  });

  test('it reads quoted fields with commas, doubled quotes and line breaks', () => {
    const csv = 'username,password\r\n"smith, j","say ""hi"""\r\n"multi","line\nsecret"\r\n';
    assert.deepEqual(parseCredentialsCsv(csv, 'u.csv'), [
      { username: 'smith, j', password: 'say "hi"' },
      { username: 'multi', password: 'line\nsecret' },
    ]);
  });

  test('it skips a byte order mark and blank lines, and keeps spaces inside fields', () => {
    const csv = '\uFEFFusername,password\n\n user1 ,pass 1\n\n';
    assert.deepEqual(parseCredentialsCsv(csv, 'u.csv'), [
      { username: ' user1 ', password: 'pass 1' },
    ]);
  });

  test('a file without the two columns names what it found', () => {
    assert.throws(
      () => parseCredentialsCsv('user,pass\nuser1,pass1\n', 'u.csv'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.csv line 1; reason: expected a header row with "username" and "password" columns, got columns "user", "pass"',
      ),
    );
  });

  test('a row with a missing field names its line', () => {
    assert.throws(
      () => parseCredentialsCsv('username,password\nuser1,pass1\nuser2\n', 'u.csv'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.csv line 3; reason: expected 2 fields, got 1',
      ),
    );
  });

  test('an empty password names its line but never shows a value', () => {
    assert.throws(
      () => parseCredentialsCsv('username,password\nuser1,\n', 'u.csv'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.csv line 2 password; reason: expected a non-empty string, got an empty string',
      ),
    );
  });

  test('an unclosed quote is reported at the row where it opens', () => {
    assert.throws(
      () => parseCredentialsCsv('username,password\nuser1,"hunter2\nuser2,pass2\n', 'u.csv'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.csv line 2; reason: expected a closing quote, got the end of the file',
      ),
    );
  });

  test('a stray quote inside a field is refused', () => {
    assert.throws(
      () => parseCredentialsCsv('username,password\nuser1,hun"ter2\n', 'u.csv'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.csv line 2; reason: expected a quote only at the start of a field, got one inside it',
      ),
    );
  });

  test('a header without accounts is an empty pool', () => {
    assert.throws(
      () => parseCredentialsCsv('username,password\n', 'u.csv'),
      configError(
        'CREDENTIALS_EMPTY',
        'No accounts in u.csv; reason: expected at least 1 account, got 0',
      ),
    );
  });
});

describe('duplicate accounts in a pool', () => {
  test('a CSV naming one account twice stops at init, naming both lines, unless VUs may share', () => {
    const csv = 'username,password\nuser1,pass1\n\nuser2,pass2\nuser1,other\n';
    assert.throws(
      () => parseCredentialsCsv(csv, 'accounts.csv'),
      configError(
        'CREDENTIALS_DUPLICATE',
        'Duplicate account at accounts.csv line 5; reason: expected each username once (VUs never share an account unless -e SHARE_ACCOUNTS=true), got "user1" again, first at accounts.csv line 2',
      ),
    );
    assert.equal(parseCredentialsCsv(csv, 'accounts.csv', true).length, 3);
  });

  test('a JSON pool naming one account twice names both indexes, never a password', () => {
    const json = JSON.stringify([
      { username: 'a', password: 'secret-1' },
      { username: 'a', password: 'secret-2' },
    ]);
    assert.throws(
      () => parseCredentialsJson(json, 'p.json'),
      (error: Error) => {
        assert.match(error.message, /at p\.json\[1\];.*first at p\.json\[0\]$/);
        assert.doesNotMatch(error.message, /secret-/);
        return true;
      },
    );
    assert.equal(parseCredentialsJson(json, 'p.json', true).length, 2);
  });
});

describe('parseCredentialsJson', () => {
  test('it reads an array of username and password objects, ignoring other keys', () => {
    const json =
      '[{"username":"user1","password":"pass1","role":"admin"},{"username":"u2","password":"p2"}]';
    assert.deepEqual(parseCredentialsJson(json, 'u.json'), [
      { username: 'user1', password: 'pass1' },
      { username: 'u2', password: 'p2' },
    ]);
  });

  test('invalid JSON is reported without the file’s text', () => {
    assert.throws(
      () => parseCredentialsJson('[{"username":"user1","password":"hunter2",}]', 'u.json'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.json; reason: expected valid JSON, got a syntax error',
      ),
    );
  });

  test('an object instead of an array is refused', () => {
    assert.throws(
      () => parseCredentialsJson('{"username":"user1","password":"pass1"}', 'u.json'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.json; reason: expected an array of {username, password}, got an object',
      ),
    );
  });

  test('a wrongly typed password names its index and type only', () => {
    assert.throws(
      () =>
        parseCredentialsJson(
          '[{"username":"u1","password":"p1"},{"username":"u2","password":1234}]',
          'u.json',
        ),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.json[1] password; reason: expected a non-empty string, got a number',
      ),
    );
  });

  test('an entry that is not an object names its index', () => {
    assert.throws(
      () => parseCredentialsJson('["user1:pass1"]', 'u.json'),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid credentials in u.json[0]; reason: expected an object with username and password, got a string',
      ),
    );
  });

  test('an empty array is an empty pool', () => {
    assert.throws(
      () => parseCredentialsJson('[]', 'u.json'),
      configError(
        'CREDENTIALS_EMPTY',
        'No accounts in u.json; reason: expected at least 1 account, got 0',
      ),
    );
  });
});

describe('demoCredentials', () => {
  test('it makes the reference server’s users user<N>/pass<N> from 1', () => {
    assert.deepEqual(demoCredentials(3), [
      { username: 'user1', password: 'pass1' },
      { username: 'user2', password: 'pass2' },
      { username: 'user3', password: 'pass3' },
    ]);
  });

  test('a pool of zero users is refused', () => {
    assert.throws(
      () => demoCredentials(0),
      configError(
        'CREDENTIALS_INVALID',
        'Invalid -e USERS; reason: expected an integer >= 1, got 0',
      ),
    );
  });
});

describe('credentialsIndexForVu', () => {
  test('VU n takes account n, so no two VUs share one', () => {
    assert.deepEqual(
      [1, 2, 3].map((vu) => credentialsIndexForVu(vu, 3, false)),
      [0, 1, 2],
    );
  });

  test('VUs of different execution segments get different accounts, since idInTest is global', () => {
    // Measured with k6 v2.2.0: a 4-VU test split by --execution-segment 0:1/2 and 1/2:1 runs
    // idInTest 1 and 3 on the first instance, 2 and 4 on the second.
    const first = [1, 3].map((vu) => credentialsIndexForVu(vu, 4, false));
    const second = [2, 4].map((vu) => credentialsIndexForVu(vu, 4, false));
    assert.deepEqual([...first, ...second].sort(), [0, 1, 2, 3]);
  });

  test('more VUs than accounts is an error that says how to fix it', () => {
    assert.throws(
      () => credentialsIndexForVu(4, 3, false),
      configError(
        'CREDENTIALS_TOO_FEW',
        'Not enough accounts for VU 4; reason: expected at most 3 VUs for 3 accounts (add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true), got VU 4',
      ),
    );
  });

  test('with sharing allowed, VUs wrap around the pool', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((vu) => credentialsIndexForVu(vu, 2, true)),
      [0, 1, 0, 1, 0],
    );
  });

  test('a VU id of 0 (init or setup code) is refused', () => {
    assert.throws(
      () => credentialsIndexForVu(0, 3, false),
      configError(
        'CREDENTIALS_BAD_VU',
        'Cannot pick an account; reason: expected a VU id >= 1 (exec.vu.idInTest, outside init), got 0',
      ),
    );
  });

  test('an empty pool is refused', () => {
    assert.throws(
      () => credentialsIndexForVu(1, 0, true),
      configError(
        'CREDENTIALS_EMPTY',
        'Cannot pick an account; reason: expected a pool of at least 1 account, got 0',
      ),
    );
  });
});
