import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IDP_ERROR_CODES } from '../../idp/errors.ts';
import {
  ConfigError,
  describeToolkitError,
  ERROR_CODES,
  isErrorCode,
  isToolkitError,
  ToolkitError,
} from '../../lib/core/errors.ts';
import { SERVER_ERROR_CODES } from '../../server/errors.ts';
import { DEX_ERROR_CODES } from '../helpers/provision-dex.ts';
import { REPO_ROOT } from '../helpers/run-process.ts';

/** Every code table: the toolkit's, and those of the programs and test tools that bring their own. */
const CODE_TABLES: Record<string, Readonly<Record<string, string>>> = {
  'lib/core/errors.ts': ERROR_CODES,
  'server/errors.ts': SERVER_ERROR_CODES,
  'idp/errors.ts': IDP_ERROR_CODES,
  'test/helpers/provision-dex.ts': DEX_ERROR_CODES,
};

/** The text of every TypeScript file under `folder` (relative to the repository root), by path. */
function sourcesUnder(folder: string): Map<string, string> {
  const sources = new Map<string, string>();
  for (const entry of readdirSync(join(REPO_ROOT, folder), { recursive: true })) {
    const path = join(folder, String(entry));
    if (path.endsWith('.ts')) sources.set(path, readFileSync(join(REPO_ROOT, path), 'utf8'));
  }
  return sources;
}

describe('ERROR_CODES', () => {
  it('lists each code once, in UPPER_SNAKE_CASE, under its own name', () => {
    for (const [name, code] of Object.entries(ERROR_CODES)) {
      assert.equal(code, name);
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
    }
    assert.equal(new Set(Object.values(ERROR_CODES)).size, Object.keys(ERROR_CODES).length);
  });

  it('names each code in one table only: the toolkit, the server, the provider and test tools apart', () => {
    const owners = new Map<string, string[]>();
    for (const [table, codes] of Object.entries(CODE_TABLES)) {
      for (const [name, code] of Object.entries(codes)) {
        assert.equal(code, name, table);
        assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
        owners.set(code, [...(owners.get(code) ?? []), table]);
      }
    }
    const twice = [...owners].filter(([, tables]) => tables.length > 1);
    assert.deepEqual(twice, []);
  });

  it('holds only codes the product raises: each is used as ERROR_CODES.<code> in lib/ or cli/', () => {
    const product = [...sourcesUnder('lib'), ...sourcesUnder('cli')].filter(
      ([path]) => path !== join('lib', 'core', 'errors.ts'),
    );
    const unraised = Object.keys(ERROR_CODES).filter(
      (code) => !product.some(([, text]) => new RegExp(`\\bERROR_CODES\\.${code}\\b`).test(text)),
    );
    assert.deepEqual(unraised, []);
  });

  it('keeps the codes the docs name for users', () => {
    assert.equal(ERROR_CODES.CREDENTIALS_TOO_FEW, 'CREDENTIALS_TOO_FEW');
  });
});

describe('ConfigError', () => {
  it('is a ToolkitError with its code, its message and an explicit name', () => {
    const error = new ConfigError(ERROR_CODES.PROFILE_BAD_VALUE, 'Invalid setting x');
    assert.ok(error instanceof ToolkitError);
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.code, 'PROFILE_BAD_VALUE');
    assert.equal(error.message, 'Invalid setting x');
  });
});

describe('ToolkitError as text', () => {
  it('reads as its code, its name and its message, the line k6 prints for an exception', () => {
    const error = new ConfigError(ERROR_CODES.CREDENTIALS_TOO_FEW, 'Not enough accounts for VU 3');
    assert.equal(String(error), 'CREDENTIALS_TOO_FEW ConfigError: Not enough accounts for VU 3');
    assert.equal(describeToolkitError(error), String(error));
  });

  it('is recognised by its code, also when another bundle made it', () => {
    // dist/controller.js has its own copy of the class: same shape, not the same prototype.
    const foreign = Object.assign(new Error('x'), { name: 'ConfigError', code: 'PROFILE_MISSING' });
    assert.equal(isToolkitError(foreign), true);
    assert.equal(isToolkitError(new ConfigError(ERROR_CODES.PROFILE_MISSING, 'x')), true);
    assert.equal(isToolkitError(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
    assert.equal(isToolkitError({ code: 'PROFILE_MISSING', message: 'x' }), false);
    assert.equal(isErrorCode('CREDENTIALS_SECRET_UNREADABLE'), true);
    assert.equal(isErrorCode('toString'), false);
  });
});
