import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findSecretEnvArgs,
  invokedAs,
  refuseSecretEnvArgs,
  SecretArgumentError,
  secretArgumentMessage,
  secretSettingNames,
} from '../../../cli/secret-args.ts';

const SECRET = 's3cr3t-value-42';

describe('secretSettingNames', () => {
  it("is the settings registry's secret rows: the client secret, the password and the admin token", () => {
    assert.deepEqual(secretSettingNames().sort(), [
      'ADMIN_TOKEN',
      'AUTH_PASSWORD',
      'CLIENT_SECRET',
    ]);
  });
});

describe('findSecretEnvArgs', () => {
  it('finds a secret in every -e spelling k6 accepts, each name once, in order', () => {
    assert.deepEqual(
      findSecretEnvArgs([
        'smoke',
        '-e',
        `CLIENT_SECRET=${SECRET}`,
        '--env',
        `AUTH_PASSWORD=${SECRET}`,
        `--env=ADMIN_TOKEN=${SECRET}`,
        `-e=CLIENT_SECRET=${SECRET}`,
        `-eAUTH_PASSWORD=${SECRET}`,
      ]),
      ['CLIENT_SECRET', 'AUTH_PASSWORD', 'ADMIN_TOKEN'],
    );
  });

  it('lets through settings that are not secret, secret names, empty values and flags that are not -e', () => {
    assert.deepEqual(
      findSecretEnvArgs([
        'run',
        '-e',
        'AUTH_PASSWORD_SECRET=password',
        '--secret-source=file=secrets.txt',
        '-e',
        'CLIENT_SECRET=',
        '-e',
        'CLIENT_ID=k6-load-test',
        '--env',
        'CREDENTIALS=accounts.csv',
        '--exclude-env-vars',
        'dist/smoke.js',
      ]),
      [],
    );
  });

  it("skips a -e that only names a variable, a trailing -e, and everything after a bare -- (the script's own)", () => {
    assert.deepEqual(
      findSecretEnvArgs(['-e', 'CLIENT_SECRET', '--', '-e', `CLIENT_SECRET=${SECRET}`]),
      [],
    );
    assert.deepEqual(findSecretEnvArgs(['smoke', '-e']), []);
  });

  it('reads the value of -e as a value: a -e value is not taken as a flag of its own', () => {
    assert.deepEqual(findSecretEnvArgs(['-e', '-eCLIENT_SECRET=x']), []);
  });
});

describe('refuseSecretEnvArgs', () => {
  it('throws SECRET_ON_COMMAND_LINE with exit code 2, naming the setting and never its value', () => {
    assert.throws(
      () => refuseSecretEnvArgs(['smoke', '-e', `CLIENT_SECRET=${SECRET}`], 'npm run scenario'),
      (error: unknown) => {
        assert.ok(error instanceof SecretArgumentError);
        assert.equal(error.name, 'SecretArgumentError');
        assert.equal(error.code, 'SECRET_ON_COMMAND_LINE');
        assert.equal(error.exitCode, 2);
        assert.deepEqual(error.secretNames, ['CLIENT_SECRET']);
        assert.ok(!error.message.includes(SECRET));
        assert.ok(!String(error.stack).includes(SECRET));
        return true;
      },
    );
  });

  it('passes a command line without secret values', () => {
    refuseSecretEnvArgs(['smoke', '-e', 'AUTH_MODE=dual'], 'npm run scenario');
  });
});

describe('invokedAs', () => {
  it('names the npm script when npm runs it, else the k6-auth command', () => {
    assert.equal(
      invokedAs('scenario', 'run', { npm_lifecycle_event: 'scenario' }),
      'npm run scenario',
    );
    assert.equal(invokedAs('start', 'demo', { npm_lifecycle_event: 'start' }), 'npm start');
    assert.equal(invokedAs('scenario', 'run', {}), 'k6-auth run');
    assert.equal(invokedAs('k6', 'k6', { npm_lifecycle_event: 'test' }), 'k6-auth k6');
  });
});

describe('secretArgumentMessage', () => {
  it("outside npm, says to pass the value in the environment of the k6-auth command, without npm's -- ", () => {
    assert.equal(
      secretArgumentMessage(['CLIENT_SECRET'], 'k6-auth run'),
      "Refusing -e CLIENT_SECRET=… on the command line (SECRET_ON_COMMAND_LINE); reason: expected secrets from the environment or a k6 secret source, got a value in the command's arguments.\n" +
        'Your terminal log, CI log or shell history may hold this command line with the value in it: if the value is real, rotate it.\n' +
        'Pass it in the environment instead (k6 run reads the environment into __ENV): CLIENT_SECRET="$CLIENT_SECRET" k6-auth run …',
    );
  });

  it('says npm echoed the line, to rotate a real value, and how to pass it in the environment', () => {
    assert.equal(
      secretArgumentMessage(['CLIENT_SECRET'], 'npm run scenario'),
      [
        "Refusing -e CLIENT_SECRET=… on the command line (SECRET_ON_COMMAND_LINE); reason: expected secrets from the environment or a k6 secret source, got a value in npm's arguments.",
        'npm has already printed this command line with the value in it (the "> node …" line above), and so may your terminal log, CI log or shell history: if the value is real, rotate it.',
        'Pass it in the environment instead (k6 run reads the environment into __ENV): CLIENT_SECRET="$CLIENT_SECRET" npm run scenario -- …',
      ].join('\n'),
    );
  });

  it('adds the k6 secret source for a password', () => {
    const message = secretArgumentMessage(['CLIENT_SECRET', 'AUTH_PASSWORD'], 'npm run k6');
    assert.match(message, /^Refusing -e CLIENT_SECRET=…, -e AUTH_PASSWORD=… on the command line/);
    assert.match(message, /got values in npm's arguments/);
    assert.match(
      message,
      /CLIENT_SECRET="\$CLIENT_SECRET" AUTH_PASSWORD="\$AUTH_PASSWORD" npm run k6 -- …/,
    );
    assert.match(
      message,
      /-e AUTH_PASSWORD_SECRET=<name> --secret-source=file=secrets\.txt \(a line <name>=<password>/,
    );
  });
});
