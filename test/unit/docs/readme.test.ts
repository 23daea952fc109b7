/**
 * The README and the docs/ pages against the code they describe: statements a new user acts on
 * (the example script, the size of an accounts pool, the dashboard variables, the exit codes, the
 * refresh-storm numbers) are checked against their source, so they cannot drift apart silently.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT as COMPARE_EXIT } from '../../../cli/compare.ts';
import { planRun } from '../../../cli/run-scenario.ts';
import { planRenewAtMs } from '../../../lib/core/auth/expiry.ts';
import { resolveProfile } from '../../../lib/core/auth/profile-resolve.ts';
import { SCENARIO_KNOBS } from '../../../lib/core/scenario/shapes.ts';
import {
  codeBlocks,
  DOC_PAGES,
  READMES,
  readmeSection,
  readReadme,
  shellCommands,
} from '../../helpers/readme.ts';
import { REPO_ROOT } from '../../helpers/run-process.ts';

describe('docs/writing-scripts.md', () => {
  it('shows examples/orders.ts verbatim, so the example a test runs is the one users copy', () => {
    const page = readReadme('docs/writing-scripts.md');
    const examples = codeBlocks(page).filter((block) => block.lang === 'ts');
    assert.equal(examples.length, 1);
    assert.equal(examples[0]?.text, readFileSync(join(REPO_ROOT, 'examples/orders.ts'), 'utf8'));
  });

  it('imports only the public entry (lib/k6/index.ts or the package name), in the examples and every catalogue scenario', () => {
    const files = [
      'examples/orders.ts',
      'examples/first.ts',
      ...Object.keys(SCENARIO_KNOBS).map((name) => `scenarios/${name}.ts`),
    ];
    for (const file of files) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      const toolkit = [...text.matchAll(/from '(\.\.\/lib\/[^']+|k6-auth-toolkit[^']*)'/g)].map(
        (m) => m[1],
      );
      assert.ok(toolkit.length > 0, `${file} imports the toolkit`);
      const entry = file === 'examples/first.ts' ? 'k6-auth-toolkit' : '../lib/k6/index.ts';
      assert.deepEqual(new Set(toolkit), new Set([entry]), file);
    }
  });
});

describe('docs/modes-and-profiles.md: pointing it at your own API', () => {
  it("says how many accounts each scenario needs: every arrival-rate scenario's MAX_VUS default", () => {
    const section = readmeSection(
      readReadme('docs/modes-and-profiles.md'),
      '## Pointing it at your own API',
    );
    const sized = Object.entries(SCENARIO_KNOBS).flatMap(([name, knobs]) => {
      const maxVus = knobs.find((knob) => knob.env === 'MAX_VUS');
      return maxVus === undefined ? [] : [`\`${name}\` ${maxVus.default}`];
    });
    assert.ok(sized.includes('`load` 200') && sized.includes('`capacity` 1000'), String(sized));
    for (const fragment of sized) assert.ok(section.includes(fragment), `missing ${fragment}`);
    assert.match(section, /CREDENTIALS_TOO_FEW/);
  });
});

describe('docs/thresholds-and-results.md: results of a plain k6 run', () => {
  it('sets every dashboard variable npm run scenario sets, K6_WEB_DASHBOARD_PERIOD included', () => {
    const plan = planRun(['load'], {}, 0);
    const names = Object.keys(plan.env).filter((name) => name.startsWith('K6_WEB_DASHBOARD'));
    assert.deepEqual(names.sort(), [
      'K6_WEB_DASHBOARD',
      'K6_WEB_DASHBOARD_EXPORT',
      'K6_WEB_DASHBOARD_PERIOD',
      'K6_WEB_DASHBOARD_PORT',
    ]);
    const recipes = shellCommands('docs/thresholds-and-results.md').filter(({ command }) =>
      command.includes('K6_WEB_DASHBOARD_EXPORT='),
    );
    assert.equal(recipes.length, 1);
    for (const name of names) {
      const value = name === 'K6_WEB_DASHBOARD_EXPORT' ? '\\S+' : plan.env[name];
      assert.match(recipes[0]?.command ?? '', new RegExp(`\\b${name}=${value}\\s`), name);
    }
  });

  it('never tells k6 v2 to use --no-summary except to say it was removed', () => {
    for (const file of READMES) {
      const text = readReadme(file);
      for (const match of text.matchAll(/--no-summary/g)) {
        const around = text.slice(Math.max(0, match.index - 60), match.index + 60);
        assert.match(around, /removed/, `${file}: ${around}`);
      }
      for (const { where, command } of shellCommands(file)) {
        assert.doesNotMatch(command, /--no-summary/, where);
      }
    }
  });
});

describe('docs/exit-codes-and-troubleshooting.md: exit codes', () => {
  const page = readReadme('docs/exit-codes-and-troubleshooting.md');

  it('lists every code k6 v2 ends with, 255 (it could not start) included', () => {
    const [k6Part = ''] = readmeSection(page, '## Exit codes').split(
      '`npm run compare` has its own',
    );
    const codes = [...k6Part.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    assert.deepEqual(codes, [0, 99, 104, 107, 108, 255]);
    assert.match(k6Part, /\| 255 \| .*--summary-mode=disabled/);
  });

  it("lists npm run compare's own codes, the ones cli/compare.ts exits with", () => {
    const [, comparePart = ''] = readmeSection(page, '## Exit codes').split(
      '`npm run compare` has its own',
    );
    const codes = [...comparePart.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    assert.deepEqual(codes, Object.values(COMPARE_EXIT));
    assert.match(
      comparePart,
      /\| 2 \| the runs cannot be compared: a different scenario, auth mode, target profile or protected path/,
    );
  });
});

describe('docs/scenarios.md: the refresh-storm example', () => {
  const section = readmeSection(readReadme('docs/scenarios.md'), '# Scenarios');
  const paragraph = section.slice(section.indexOf('**refresh-storm.**'));

  it("quotes the client's real leeway and jitter defaults", () => {
    const { expiry } = resolveProfile({ env: {} });
    assert.match(paragraph, new RegExp(`\`REFRESH_LEEWAY\` \\(${expiry.leewaySeconds} s\\)`));
    assert.match(
      paragraph,
      new RegExp(`\`0\\.\\.REFRESH_JITTER\` \\(${expiry.jitterSeconds} s\\)`),
    );
  });

  it('puts each quoted peak inside the window in which the suggested ACCESS_TTL lets VUs refresh', () => {
    const ttlSeconds = Number(/ACCESS_TTL=(\d+) npm run server/.exec(paragraph)?.[1]);
    assert.ok(ttlSeconds > 0, 'the paragraph suggests an ACCESS_TTL');
    const { expiry } = resolveProfile({ env: {} });
    const peaks = [
      ...paragraph.matchAll(/peak (\d+) refreshes\/s\s+at\s+(\d+) s,\s+(\d+)% of the (\d+)\s+VUs/g),
    ];
    assert.equal(peaks.length, 2, 'one peak with jitter, one with -e REFRESH_JITTER=0');
    peaks.forEach((peak, index) => {
      const [perSecond, atSeconds, share, vus] = peak.slice(1).map(Number) as [
        number,
        number,
        number,
        number,
      ];
      const jitterSeconds = index === 0 ? expiry.jitterSeconds : 0;
      const renewAt = (random: number) =>
        (planRenewAtMs({
          expiry: {
            source: 'expires_in',
            expiresAtMs: ttlSeconds * 1000,
            lifetimeMs: ttlSeconds * 1000,
          },
          leewaySeconds: expiry.leewaySeconds,
          jitterSeconds,
          random: () => random,
        }) ?? Number.NaN) / 1000;
      // VUs log in during the first second of the run, so a renewal lands up to a second later.
      const earliest = Math.floor(renewAt(1));
      const latest = Math.floor(renewAt(0)) + 1;
      assert.ok(
        atSeconds >= earliest && atSeconds <= latest,
        `peak at ${atSeconds} s; with ACCESS_TTL=${ttlSeconds} VUs refresh from ${earliest} to ${latest} s`,
      );
      assert.equal(share, Math.round((perSecond / vus) * 100), peak[0]);
    });
  });
});

describe('README: the front door', () => {
  const readme = readReadme('README.md');

  it('stays a front door: at most 200 lines, the rest in docs/', () => {
    const lines = readme.split('\n').length - 1;
    assert.ok(lines <= 200, `README.md has ${lines} lines`);
  });

  it('keeps the two commands CI and a clean clone run', () => {
    const commands = shellCommands('README.md').map(({ command }) => command);
    assert.ok(commands.includes('npm ci && npm start'), String(commands));
    assert.ok(commands.includes('npm test'), String(commands));
  });

  it('shows examples/first.ts verbatim, the script a test builds and runs', () => {
    const [script] = codeBlocks(readmeSection(readme, '## A script')).filter(
      (block) => block.lang === 'ts',
    );
    assert.equal(script?.text, readFileSync(join(REPO_ROOT, 'examples/first.ts'), 'utf8'));
    assert.ok((script?.text.split('\n').length ?? 0) <= 14, 'a script of about ten lines');
  });

  it('links every page of docs/', () => {
    for (const page of DOC_PAGES) assert.ok(readme.includes(`](${page})`), page);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (outside code blocks). */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = /^#+ (.*)$/.exec(line);
    if (!fenced && heading) found.add(anchorOf(heading[1] ?? ''));
  }
  return found;
}

describe('links between the docs', () => {
  for (const file of [...READMES, 'idp/README.md']) {
    it(`${file}: every relative link names a file that exists, and a heading it has`, () => {
      const text = readReadme(file).replace(/^```[\s\S]*?^```/gm, '');
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
      const relative = links.filter((link) => !/^[a-z]+:/.test(link));
      assert.ok(relative.length > 0 || file !== 'README.md', 'README links its pages');
      for (const link of relative) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(REPO_ROOT, file) : join(REPO_ROOT, dirname(file), path);
        assert.ok(existsSync(target), `${file}: ${link} (no ${target})`);
        if (anchor !== undefined && target.endsWith('.md')) {
          assert.ok(anchors(readFileSync(target, 'utf8')).has(anchor), `${file}: ${link}`);
        }
      }
    });
  }
});
