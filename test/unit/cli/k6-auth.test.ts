import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS, formatHelp, USAGE_EXIT_CODE } from '../../../cli/k6-auth.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `k6-auth <argv>` as a user runs it, from the repository (tsx loads the TypeScript). */
function k6Auth(...argv: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'cli/k6-auth.ts'), ...argv],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('k6-auth: commands, help and wrong command lines', () => {
  it('has the commands issue 20 names, each once', () => {
    assert.deepEqual(
      COMMANDS.map((command) => command.name),
      [
        'init',
        'run',
        'compare',
        'baseline',
        'distributed',
        'merge',
        'operator',
        'server',
        'idp',
        'demo',
        'k6',
      ],
    );
  });

  it('lists every command with its line under --help, and exits 0', () => {
    const run = k6Auth('--help');
    assert.equal(run.code, 0);
    assert.equal(run.stdout, formatHelp());
    for (const { name, summary } of COMMANDS) {
      assert.match(
        run.stdout,
        new RegExp(`^  ${name} +${summary.replace(/[$()]/g, '\\$&')}$`, 'm'),
      );
    }
  });

  it("prints each command's usage under <command> --help, and exits 0", () => {
    for (const { name, usage } of COMMANDS) {
      const run = k6Auth(name, '--help');
      assert.equal(run.code, 0, name);
      assert.equal(run.stdout, `usage: ${usage}\n`);
    }
  });

  it('refuses an unknown command, an unknown option and no command with one line and exit code 2', () => {
    const names = COMMANDS.map((command) => command.name).join(', ');
    assert.equal(USAGE_EXIT_CODE, 2);
    assert.deepEqual(k6Auth('bogus'), {
      code: 2,
      stdout: '',
      stderr: `k6-auth: unknown command bogus; reason: expected one of ${names}, got "bogus" (k6-auth --help lists them)\n`,
    });
    assert.deepEqual(k6Auth('--verbose'), {
      code: 2,
      stdout: '',
      stderr: `k6-auth: unknown option --verbose; reason: expected one of ${names}, got "--verbose" (k6-auth --help lists them)\n`,
    });
    assert.deepEqual(k6Auth(), {
      code: 2,
      stdout: '',
      stderr: `k6-auth: no command; reason: expected one of ${names}, got none (k6-auth --help lists them)\n`,
    });
  });

  it('refuses arguments to server and idp, which take their settings from the environment', () => {
    assert.deepEqual(k6Auth('server', '--port', '1'), {
      code: 2,
      stdout: '',
      stderr:
        'k6-auth server: unknown argument --port; reason: expected none (settings come from the environment), got "--port 1"\n',
    });
  });

  it('is what every npm script of this repository calls', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const expected: Record<string, string> = {
      k6: 'k6',
      scenario: 'run',
      compare: 'compare',
      baseline: 'baseline',
      distributed: 'distributed',
      operator: 'operator',
      start: 'demo',
      server: 'server',
      idp: 'idp',
    };
    for (const [script, command] of Object.entries(expected)) {
      assert.match(
        scripts[script],
        new RegExp(`node --import tsx cli/k6-auth\\.ts ${command}$`),
        script,
      );
    }
  });
});
