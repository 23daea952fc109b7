import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DOCUMENTED_FILES, writeTables } from '../../../cli/settings-tables.ts';
import { SCENARIO_KNOBS, type ScenarioName } from '../../../lib/core/scenario/shapes.ts';
import { allSettings, findSetting } from '../../../lib/core/settings/registry.ts';
import { READMES } from '../../helpers/readme.ts';
import { REPO_ROOT } from '../../helpers/run-process.ts';

const read = (file: string): string => readFileSync(join(REPO_ROOT, file), 'utf8');

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(REPO_ROOT, path)).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** What k6 itself puts in __ENV, not a toolkit setting. */
const NOT_SETTINGS = new Set(['PWD']);
/** The placeholder the docs write `-e NAME=value` with. */
const PLACEHOLDER = 'NAME';

describe('npm run docs', () => {
  for (const file of DOCUMENTED_FILES) {
    it(`leaves ${file} as it is: its settings tables are what the registry generates`, () => {
      const text = read(file);
      assert.ok(text.includes('<!-- settings:'), `${file} has no generated table`);
      assert.equal(writeTables(text, file), text, `run npm run docs, then commit ${file}`);
    });
  }

  it('refuses a marked table of a group the registry does not have', () => {
    assert.throws(
      () => writeTables('<!-- settings:nope -->\n<!-- /settings -->', 'X.md'),
      /Unknown settings table in X\.md; reason: expected a group such as "run" or "profile", got "nope"/,
    );
  });
});

describe('the settings registry against the code and the docs', () => {
  it('has a row for every -e name the code reads', () => {
    const read_ =
      /readEnvValue\([^,]+, '([A-Z0-9_]+)'\)|read\('([A-Z0-9_]+)'\)|__ENV\.([A-Z0-9_]+)|\benv\.([A-Z0-9_]+)|openSettingFile\('([A-Z_]+)'/g;
    const names = new Set<string>();
    for (const file of [...sources('lib'), ...sources('scenarios'), ...sources('examples')]) {
      for (const match of read(file).matchAll(read_)) {
        const name = match.slice(1).find((group) => group !== undefined) as string;
        if (!NOT_SETTINGS.has(name)) names.add(name);
      }
    }
    assert.ok(names.size >= 15, `found only ${[...names]}`);
    assert.deepEqual(
      [...names].filter((name) => findSetting(name) === undefined),
      [],
    );
  });

  it('has a row for every -e name a README or docs page shows', () => {
    const shown = new Set<string>();
    for (const file of READMES) {
      for (const match of read(file).matchAll(/-e ([A-Z][A-Z0-9_]+)=/g)) {
        if (match[1] !== PLACEHOLDER) shown.add(match[1] as string);
      }
    }
    assert.ok(shown.size >= 10);
    assert.deepEqual(
      [...shown].filter((name) => findSetting(name) === undefined),
      [],
    );
  });

  it("agrees with profiles/README.md's key table on which profile key each -e sets", () => {
    const rows = read('profiles/README.md').matchAll(/^\| `([a-zA-Z.]+)` +\|[^|]+\| `([A-Z_]+)`/gm);
    const named: string[] = [];
    for (const [, path, name] of rows) {
      assert.equal(findSetting(name as string)?.profilePath, path, `${name}, README: ${path}`);
      named.push(name as string);
    }
    const overrides = allSettings().filter((row) => row.profilePath !== undefined);
    assert.deepEqual(named.sort(), overrides.map((row) => row.name).sort());
  });

  it("agrees with docs/scenarios.md's table on every knob default it names", () => {
    const table = read('docs/scenarios.md').matchAll(
      /^\| `([a-z-]+)` \| `[^|]+\|[^|]+\|[^|]+\| (.+) \|$/gm,
    );
    let checked = 0;
    for (const [, scenario, knobs] of table) {
      const specs = SCENARIO_KNOBS[scenario as ScenarioName];
      assert.ok(specs !== undefined, `docs/scenarios.md names a scenario ${scenario}`);
      for (const [, name, value] of (knobs as string).matchAll(/`([A-Z_]+)` ([^\s,(]+)/g)) {
        const spec = specs.find((knob) => knob.env === name);
        assert.ok(spec !== undefined, `${scenario} has no knob ${name}`);
        if (value !== '(unset)') assert.equal(value, spec.default, `${scenario} ${name}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 30, `checked ${checked} knobs`);
  });
});
