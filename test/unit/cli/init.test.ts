import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  appendGitignore,
  FileExistsError,
  InitUsageError,
  parseInitArgs,
  scaffold,
} from '../../../cli/init.ts';

const FILES = [
  'load-tests/scenario.ts',
  'load-tests/profile.json',
  'load-tests/accounts.example.csv',
  'load-tests/README.md',
  '.github/workflows/k6-auth-soak.yml',
  '.github/workflows/k6-auth-release-gate.yml',
];

describe('k6-auth init', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'k6-auth-init-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const options = {
    dir: 'load-tests',
    mode: 'token',
    baseUrl: 'https://api.example.com',
    force: false,
  } as const;

  it('writes the scenario, profile, accounts template, README and both workflows, and the .gitignore lines', async () => {
    assert.deepEqual(await scaffold(cwd, options), [...FILES, '.gitignore']);
    for (const file of FILES) assert.ok(existsSync(join(cwd, file)), file);
    const scenario = await readFile(join(cwd, 'load-tests/scenario.ts'), 'utf8');
    assert.match(scenario, /from 'k6-auth-toolkit';/);
    assert.match(scenario, /https:\/\/api\.example\.com in token mode/);
    const profile = JSON.parse(await readFile(join(cwd, 'load-tests/profile.json'), 'utf8'));
    assert.equal(profile.mode, 'token');
    assert.equal(profile.login.path, '/login');
    const soak = await readFile(join(cwd, '.github/workflows/k6-auth-soak.yml'), 'utf8');
    assert.match(soak, /npx k6-auth run load-tests\/scenario\.ts/);
    assert.match(soak, /PROFILE=load-tests\/profile\.json/);
    assert.match(soak, /\$\{\{ secrets\.SOAK_CREDENTIALS \}\}/);
    const gate = await readFile(join(cwd, '.github/workflows/k6-auth-release-gate.yml'), 'utf8');
    assert.match(gate, /THRESHOLDS=release-gate/);
    assert.equal(
      await readFile(join(cwd, '.gitignore'), 'utf8'),
      '# k6-auth-toolkit: secrets and results\nload-tests/accounts.csv\n.tmp/\nresults/\n',
    );
    const readme = await readFile(join(cwd, 'load-tests/README.md'), 'utf8');
    assert.match(
      readme,
      /npx k6-auth run load-tests\/scenario\.ts -e BASE_URL=https:\/\/api\.example\.com/,
    );
  });

  it('never writes a real secret: the accounts template holds the demo users only', async () => {
    await scaffold(cwd, options);
    assert.equal(
      await readFile(join(cwd, 'load-tests/accounts.example.csv'), 'utf8'),
      'username,password\nuser1,pass1\nuser2,pass2\n',
    );
  });

  it('takes the identity-provider modes from their shipped profiles', async () => {
    await scaffold(cwd, { ...options, mode: 'authorization-code' });
    const profile = JSON.parse(await readFile(join(cwd, 'load-tests/profile.json'), 'utf8'));
    assert.equal(profile.mode, 'authorization-code');
    assert.match(profile.description, /authorization code flow/);
  });

  it('refuses to overwrite a file without --force, names it, and writes nothing', async () => {
    await mkdir(join(cwd, 'load-tests'));
    await writeFile(join(cwd, 'load-tests/README.md'), 'mine\n');
    await assert.rejects(scaffold(cwd, options), (error: unknown) => {
      assert.ok(error instanceof FileExistsError);
      assert.equal(
        error.message,
        'k6-auth init: load-tests/README.md exists; reason: expected no file there (init never overwrites), got one. Nothing was written; pass --force to overwrite',
      );
      return true;
    });
    assert.equal(await readFile(join(cwd, 'load-tests/README.md'), 'utf8'), 'mine\n');
    assert.equal(existsSync(join(cwd, 'load-tests/scenario.ts')), false);
    assert.equal(existsSync(join(cwd, '.gitignore')), false);
  });

  it('overwrites with --force', async () => {
    await mkdir(join(cwd, 'load-tests'));
    await writeFile(join(cwd, 'load-tests/README.md'), 'mine\n');
    await scaffold(cwd, { ...options, force: true });
    assert.match(
      await readFile(join(cwd, 'load-tests/README.md'), 'utf8'),
      /^# Load tests \(token mode\)/,
    );
  });

  it('appends only the missing .gitignore lines, once, after a last line without a newline', async () => {
    await writeFile(join(cwd, '.gitignore'), 'node_modules/\nresults/');
    assert.equal(
      await appendGitignore(cwd, ['load-tests/accounts.csv', '.tmp/', 'results/']),
      true,
    );
    assert.equal(
      await appendGitignore(cwd, ['load-tests/accounts.csv', '.tmp/', 'results/']),
      false,
    );
    assert.equal(
      await readFile(join(cwd, '.gitignore'), 'utf8'),
      'node_modules/\nresults/\n# k6-auth-toolkit: secrets and results\nload-tests/accounts.csv\n.tmp/\n',
    );
  });
});

describe('parseInitArgs', () => {
  it('defaults to load-tests/, the reference server and no mode (asked, or dual)', () => {
    assert.deepEqual(parseInitArgs([]), {
      dir: 'load-tests',
      baseUrl: 'http://127.0.0.1:8080',
      force: false,
      yes: false,
    });
  });

  it('reads --dir, --mode, --base-url (both spellings), --force and --yes', () => {
    assert.deepEqual(
      parseInitArgs([
        '--dir',
        'perf/',
        '--mode=session',
        '--base-url',
        'https://x.test',
        '--force',
        '-y',
      ]),
      { dir: 'perf', mode: 'session', baseUrl: 'https://x.test', force: true, yes: true },
    );
  });

  it('refuses an unknown mode, an unknown option and a missing value', () => {
    assert.throws(
      () => parseInitArgs(['--mode', 'basic']),
      (error: unknown) =>
        error instanceof InitUsageError &&
        error.message ===
          'k6-auth init: unknown mode; reason: expected one of session, token, dual, authorization-code, client-credentials, got "basic"',
    );
    assert.throws(
      () => parseInitArgs(['--out', 'x']),
      (error: unknown) =>
        error instanceof InitUsageError &&
        error.message ===
          'k6-auth init: unknown option --out; reason: expected --dir, --mode, --base-url, --force or --yes, got "--out"',
    );
    assert.throws(
      () => parseInitArgs(['--dir']),
      (error: unknown) =>
        error instanceof InitUsageError &&
        error.message ===
          'k6-auth init: --dir needs a value; reason: expected --dir <value>, got none',
    );
  });
});
