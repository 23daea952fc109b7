/**
 * The GitHub workflows, checked offline: they parse as YAML, use only keys of GitHub's workflow
 * syntax, refer only to step outputs that exist, and keep secrets out of command lines (a secret
 * reaches a step as an environment variable, never inside `run:`, and is never echoed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../helpers/run-process.ts';

// https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions
const WORKFLOW_KEYS = [
  'name',
  'run-name',
  'on',
  'permissions',
  'env',
  'defaults',
  'concurrency',
  'jobs',
];
const JOB_KEYS = [
  'name',
  'needs',
  'permissions',
  'runs-on',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'if',
  'steps',
  'timeout-minutes',
  'strategy',
  'continue-on-error',
  'container',
  'services',
  'uses',
  'with',
  'secrets',
];
const STEP_KEYS = [
  'id',
  'if',
  'name',
  'uses',
  'run',
  'working-directory',
  'shell',
  'with',
  'env',
  'continue-on-error',
  'timeout-minutes',
];
const PERMISSION_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'id-token',
  'issues',
  'discussions',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];

interface Step {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  [key: string]: unknown;
}

function load(file: string): Record<string, unknown> {
  return parse(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as Record<
    string,
    unknown
  >;
}

function steps(workflow: Record<string, unknown>): Step[] {
  const jobs = workflow.jobs as Record<string, { steps: Step[] }>;
  return Object.values(jobs).flatMap((job) => job.steps);
}

for (const file of ['release-gate.yml', 'soak.yml']) {
  describe(`.github/workflows/${file}`, () => {
    const workflow = load(file);

    it('uses only keys of the workflow syntax at every level', () => {
      for (const key of Object.keys(workflow)) assert.ok(WORKFLOW_KEYS.includes(key), key);
      for (const scope of Object.keys(workflow.permissions as object))
        assert.ok(PERMISSION_SCOPES.includes(scope), scope);
      for (const [name, job] of Object.entries(workflow.jobs as Record<string, object>)) {
        for (const key of Object.keys(job)) assert.ok(JOB_KEYS.includes(key), `${name}.${key}`);
      }
      for (const step of steps(workflow)) {
        for (const key of Object.keys(step))
          assert.ok(STEP_KEYS.includes(key), `${step.name}: ${key}`);
        assert.ok(
          (step.run === undefined) !== (step.uses === undefined),
          `${step.name}: exactly one of run and uses`,
        );
      }
    });

    it('refers only to outputs of earlier steps with ids, each id once', () => {
      const seen = new Set<string>();
      for (const step of steps(workflow)) {
        const text = JSON.stringify(step);
        for (const match of text.matchAll(/steps\.([a-z0-9_-]+)\.outputs\.([a-z0-9_-]+)/g)) {
          assert.ok(seen.has(match[1] ?? ''), `${step.name} reads steps.${match[1]} before it ran`);
        }
        if (step.id !== undefined) {
          assert.equal(seen.has(step.id), false, `id ${step.id} twice`);
          seen.add(step.id);
        }
      }
    });

    it('passes secrets and variables to scripts as environment, never inside a run script', () => {
      for (const step of steps(workflow)) {
        assert.doesNotMatch(step.run ?? '', /\$\{\{/, `${step.name}: an expression inside run`);
      }
      const secretEnv = steps(workflow).flatMap((step) =>
        Object.entries(step.env ?? {})
          .filter(([, value]) => /secrets\./.test(String(value)))
          .map(([name]) => name),
      );
      assert.ok(
        secretEnv.includes('CLIENT_SECRET'),
        'the client secret reaches k6 as CLIENT_SECRET',
      );
      assert.ok(secretEnv.includes('ACCOUNTS'), 'the accounts come from a secret');
      for (const step of steps(workflow)) {
        for (const name of secretEnv) {
          assert.doesNotMatch(
            step.run ?? '',
            new RegExp(`(echo|printf)[^\\n]*\\$\\{?${name}\\b(?![^\\n]*>)`, 'm'),
            `${step.name} prints ${name}`,
          );
          assert.doesNotMatch(
            step.run ?? '',
            new RegExp(`-e ${name}=`),
            `${step.name} puts ${name} on a command line`,
          );
        }
      }
    });

    it('writes the accounts under .tmp/, which .gitignore covers, readable by the owner only', () => {
      const accounts = steps(workflow).find((step) => step.id === 'accounts');
      assert.match(
        accounts?.run ?? '',
        /umask 077\n\s*printf '%s\\n' "\$ACCOUNTS" > "\.tmp\/accounts\.\$ext"/,
      );
      assert.match(readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8'), /^\.tmp\/$/m);
    });

    it('compares with a baseline, fails on compare exit codes, and puts compare.md in the job summary', () => {
      const compare = steps(workflow).find((step) => step.id === 'compare');
      assert.match(
        compare?.run ?? '',
        /npm run --silent compare -- "\$BASELINE" results\/\w+ \|\| code=\$\?/,
      );
      const summary = steps(workflow).find((step) => step.name === 'Job summary');
      assert.match(summary?.run ?? '', /compare\.md >> "\$GITHUB_STEP_SUMMARY"/);
      const verdict = steps(workflow).find((step) => step.name === 'Verdict');
      assert.match(verdict?.run ?? '', /exit "\$COMPARE"/);
    });
  });
}
