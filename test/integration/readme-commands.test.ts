/**
 * Every shell command the READMEs and docs/ pages show, run as written: through `sh -c`, in a
 * folder laid out like a checkout (the repository's files linked in, its own results/ and the files a user would add:
 * accounts.csv, users.csv, profiles/my-api.json, profiles/orders-service.json), against loopback servers instead of
 * staging.example.com. A command is only shortened or retargeted by `-e` values appended to it
 * (k6 keeps the last of repeated `-e`), or is in SKIPPED with the reason it cannot run here.
 * A command added to a README without a plan here fails the first test, so the docs cannot
 * outgrow this check.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { provisionK6 } from '../../cli/provision-k6.ts';
import { SCENARIO_KNOBS } from '../../lib/core/scenario/shapes.ts';
import { startIdp, type TestIdp } from '../helpers/idp.ts';
import { ensureBuilt, REPO_ROOT } from '../helpers/k6.ts';
import { type RunningOAuth2Server, startOAuth2Server } from '../helpers/oauth2-server.ts';
import { READMES, shellCommands } from '../helpers/readme.ts';
import { type ReferenceServer, startReferenceServer } from '../helpers/reference-server.ts';
import { type Finished, runToEnd } from '../helpers/run-process.ts';

const CLIENT_SECRET = 'readme-client-secret';
/** The one account the README's single-account commands log in with: a demo user of the reference server. */
const ACCOUNT = { username: 'user1', password: 'pass1' };
const RUN_TIMEOUT_MS = 90_000;
/** npm start runs five modes; the slack is for a busy two-core machine. */
const START_TIMEOUT_MS = 240_000;

interface Context {
  sandbox: string;
  reference: ReferenceServer;
  oauth2: RunningOAuth2Server;
  /** The OpenID provider (idp/) standing in for login.example.com. */
  idp: TestIdp;
}

interface Plan {
  /** Appended to the command: `-e` values only (`-- ` first for npm start, which needs it). */
  append?: (ctx: Context) => string;
  /** More of the user's shell environment, e.g. the secret a command reads from it. */
  env?: (ctx: Context) => Record<string, string>;
  timeoutMs?: number;
  /** What the run must show beyond exit code 0. */
  verify?: (run: Finished, ctx: Context) => Promise<void> | void;
}

/** Commands that are not run, each with the reason. */
const SKIPPED: Readonly<Record<string, string>> = {
  'npm ci':
    'reinstalls node_modules from the lockfile, the tree this test itself runs from (.ci/run runs it before npm test)',
  'npm test': 'the whole suite, this test included: it would run itself',
  'cp -R node_modules/k6-auth-toolkit/dist/k6 vendor/k6-auth-toolkit/0.1.0':
    "copies the installed package's library into a user's project; this checkout has no node_modules/k6-auth-toolkit (test/integration/package.test.ts installs the packed tarball and runs a user's script over its dist/k6/)",
  'k6 run -e BASE_URL=https://api.example.test -e AUTH_MODE=dual tests/orders.js':
    "a user's own script over the copied library folder; test/integration/k6-library.test.ts runs such a script by relative path, by URL and as .ts against the reference server",
  'cp node_modules/k6-auth-toolkit/dist/k6/controller.js node_modules/k6-auth-toolkit/dist/k6/identity-provider.js dist/':
    "copies the installed package's apart-loaded files beside a user's own bundle; test/integration/package.test.ts does this (copyLoadedBundles) for an esbuild bundle of the installed package",
  'npm install --save-dev k6-auth-toolkit':
    "installs the published package from the npm registry into a user's project; this repository is not published from here, and a user's project is not this checkout",
  'kubectl create configmap k6-load-archive --from-file=archive.tar=results/operator-load-20250101T000000Z/archive.tar':
    'needs a Kubernetes cluster; test/integration/operator.test.ts checks the archive this ConfigMap holds',
  'kubectl create secret generic k6-load-secrets --from-literal=CLIENT_SECRET="$CLIENT_SECRET"':
    'needs a Kubernetes cluster; the manifest that reads this Secret is checked offline by test/integration/operator.test.ts',
  'kubectl apply -f results/operator-load-20250101T000000Z/testrun.yaml':
    "needs a Kubernetes cluster with the k6-operator; test/integration/operator.test.ts validates the manifest against the operator's TestRun CRD",
  'npm run distributed -- merge results/k6-load/*/':
    'merges folders that k6-operator runners wrote on a cluster; test/integration/distributed.test.ts runs this merge on real instance folders',
  'npm run bench':
    'the default-size benchmark: 17–20 minutes of CPU-bound measurement that rewrites bench/RESULTS.md; it takes no -e to shorten it',
  'BENCH_SIZE=tiny npm run bench':
    'test/integration/bench.test.ts runs the bench harness at tiny size already; a second run would repeat a CPU-bound minute',
  'npm run chaos':
    'the full fault suite: about 4 minutes of real k6 runs, each fault timed; test/integration/chaos.test.ts runs its short version',
  'npm run chaos -- --short':
    'test/integration/chaos.test.ts runs exactly this (with RESULTS_DIR in a temporary folder) and asserts its table and files; a second run would repeat 2½ minutes',
  'npm run bench -- --parts 1,2 --out /tmp/bench.md --no-wait':
    'parts 1 and 2 at default size: minutes of CPU-bound measurement; it takes no -e to shorten it',
};

/** A cron line is a schedule for an operator's host (a 2-hour soak against staging, mail to ops). */
const CRON_REASON =
  "a crontab entry for an operator's host: a 2-hour soak against staging that logs to /var/log and mails ops; its npm run scenario is run here in its shorter forms";

const reference = (ctx: Context) => `-e BASE_URL=${ctx.reference.url}`;
const short = '-e DURATION=2s';

async function resultFolders(ctx: Context, prefix: string): Promise<string[]> {
  const names = await readdir(join(ctx.sandbox, 'results'));
  return names
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(ctx.sandbox, 'results', name));
}

async function latestFolder(ctx: Context, prefix: string): Promise<string> {
  const folders = (await resultFolders(ctx, prefix)).sort();
  const last = folders.at(-1);
  assert.ok(last, `a results/${prefix}* folder`);
  return last;
}

async function assertFiles(dir: string, files: readonly string[]): Promise<void> {
  const present = await readdir(dir);
  for (const file of files) assert.ok(present.includes(file), `${file} in ${dir}: ${present}`);
}

const PLANS: Readonly<Record<string, Plan>> = {
  'npm start': {
    append: () => `-- ${short}`,
    timeoutMs: START_TIMEOUT_MS,
    verify: (run) => {
      assert.equal(
        (run.stdout.match(/: 5 VUs for 2s against \/(api\/)?protected/g) ?? []).length,
        5,
      );
    },
  },
  'npm start -- -e VUS=10 -e DURATION=3s': {
    timeoutMs: START_TIMEOUT_MS,
    verify: async (run, ctx) => {
      assert.equal(
        (run.stdout.match(/: 10 VUs for 3s against \/(api\/)?protected/g) ?? []).length,
        5,
      );
      const dir = await latestFolder(ctx, 'start-');
      const comparison = await readFile(join(dir, 'comparison.md'), 'utf8');
      assert.match(comparison, /- Load: 10 VUs for 3s per mode/);
      for (const mode of ['session', 'token', 'dual', 'authorization-code', 'client-credentials']) {
        await assertFiles(join(dir, mode), ['summary.md', 'report.html']);
      }
    },
  },
  'npm run build': {},
  'npm run bench -- --help': {
    verify: (run) => {
      assert.match(run.stdout, /--parts/);
    },
  },
  'CLIENT_SECRET="$CLIENT_SECRET" npm run scenario -- load -e BASE_URL=https://staging.example.com -e PROFILE=profiles/oauth2-password.json -e CREDENTIALS=accounts.csv -e RATE=100 -e DURATION=10m':
    {
      // accounts.csv holds exactly load's MAX_VUS accounts, as "Pointing it at your own API" says.
      append: (ctx) => `-e BASE_URL=${ctx.oauth2.url} -e RATE=10 ${short}`,
      verify: async (_run, ctx) => {
        await assertFiles(await latestFolder(ctx, 'load-'), ['summary.md', 'report.html']);
        assert.ok(
          ctx.oauth2.stats().grants.password > 0,
          'the VUs logged in with the password grant',
        );
      },
    },
  'k6 run -e BASE_URL=https://staging.example.com -e PROFILE=profiles/my-api.json -e CREDENTIALS=accounts.csv -e RESULTS_DIR=results dist/load.js':
    {
      append: (ctx) => `${reference(ctx)} -e RATE=5 ${short}`,
      verify: async (_run, ctx) => {
        const flat = await readdir(join(ctx.sandbox, 'results'));
        assert.ok(flat.includes('summary.md'), `results/summary.md: ${flat}`);
      },
    },
  'node build.mjs examples dist/examples': {
    verify: () => {
      assert.ok(existsSync(join(REPO_ROOT, 'dist/examples/orders.js')));
      assert.ok(existsSync(join(REPO_ROOT, 'dist/examples/first.js')));
      assert.ok(existsSync(join(REPO_ROOT, 'dist/examples/controller.js')));
    },
  },
  'npm run k6 -- run -e BASE_URL=https://staging.example.com dist/examples/first.js': {
    append: (ctx) => `${reference(ctx)} -e VUS=2 ${short}`,
    verify: async (run, ctx) => {
      assert.match(run.stdout, /checks_succeeded\.+: 100\.00%/);
      const flat = await readdir(join(ctx.sandbox, 'results'));
      assert.ok(
        flat.some((name) => /^first-.*summary\.md$/.test(name)),
        `results/: ${flat}`,
      );
    },
  },
  'npm run k6 -- run -e VUS=2 -e DURATION=30s dist/examples/orders.js': {
    append: (ctx) => `${reference(ctx)} ${short}`,
    verify: (run) => {
      assert.match(run.stdout, /checks_succeeded\.+: 100\.00%/);
    },
  },
  'npm run scenario -- load -e BASE_URL=https://staging.example.com -e AUTH_MODE=dual -e RATE=100':
    { append: (ctx) => `${reference(ctx)} -e RATE=10 ${short}` },
  'cp thresholds/load.json my-slo.json': {},
  'npm run scenario -- smoke -e THRESHOLDS=my-slo.json': {
    append: (ctx) => `${reference(ctx)} ${short}`,
    verify: async (_run, ctx) => {
      const summary = await readFile(join(await latestFolder(ctx, 'smoke-'), 'summary.md'), 'utf8');
      assert.match(summary, /- Thresholds profile: my-slo\.json\n/);
      // load.json's, not smoke's own profile.
      assert.match(summary, /`http_req_duration\{endpoint:refresh\}` \| `p\(95\)<500`/);
    },
  },
  'npm run scenario -- smoke -e THRESHOLDS=load -e THRESHOLDS_OVERRIDE=\'{"http_req_duration{endpoint:refresh}":["p(95)<400"]}\' -e ERROR_RATE_MAX=0.02':
    {
      append: (ctx) => `${reference(ctx)} ${short}`,
      verify: async (_run, ctx) => {
        const summary = await readFile(
          join(await latestFolder(ctx, 'smoke-'), 'summary.md'),
          'utf8',
        );
        assert.match(summary, /- Thresholds profile: load\n/);
        assert.match(summary, /`http_req_duration\{endpoint:refresh\}` \| `p\(95\)<400`/);
        assert.match(summary, /`http_req_failed\{endpoint:protected\}` \| `rate<0\.02`/);
      },
    },
  'mkdir -p results/load': {},
  'K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_PORT=-1 K6_WEB_DASHBOARD_PERIOD=1s K6_WEB_DASHBOARD_EXPORT=results/load/report.html k6 run -e RESULTS_DIR=results/load dist/load.js':
    {
      // Two dashboard snapshots at a 1-second period: 3 s leaves room for both.
      append: (ctx) => `${reference(ctx)} -e RATE=5 -e DURATION=3s`,
      verify: async (_run, ctx) => {
        await assertFiles(join(ctx.sandbox, 'results/load'), [
          'report.html',
          'summary.md',
          'summary.json',
          'junit.xml',
        ]);
      },
    },
  'CLIENT_SECRET="$CLIENT_SECRET" npm run k6 -- run -e PROFILE=profiles/oauth2-password.json -e BASE_URL=https://auth.example.com -e CREDENTIALS=users.csv dist/smoke.js':
    {
      append: (ctx) => `-e BASE_URL=${ctx.oauth2.url} ${short}`,
      verify: (run) => {
        assert.match(run.stdout, /checks_succeeded\.+: 100\.00%/);
      },
    },
  'npm run scenario -- smoke -e PROFILE=profiles/oidc-authorization-code.json -e OIDC_ISSUER=https://login.example.com/realms/shop -e CLIENT_ID=k6-load-test -e REDIRECT_URI=https://app.example.com/callback -e SCOPE="openid offline_access" -e BASE_URL=https://api.example.com -e PROTECTED_PATH=/orders -e CREDENTIALS=accounts.csv':
    {
      // The IdP's public client: the README's command as a public client would run it (the empty
      // CLIENT_SECRET hides the shell's, which `k6 run` would otherwise read into __ENV).
      append: ({ idp }) =>
        `-e CLIENT_SECRET= -e OIDC_ISSUER=${idp.issuer} -e CLIENT_ID=${idp.clients.public.id} -e REDIRECT_URI=${idp.redirectUri} -e BASE_URL=${idp.issuer} -e PROTECTED_PATH=/api/protected -e VUS=2 ${short}`,
      verify: async (_run, { idp }) => {
        const stats = await idp.stats();
        assert.ok(stats.codeExchanges >= 2, `code exchanges: ${stats.codeExchanges}`);
        assert.equal(stats.protectedUnauthorized, 0);
      },
    },
  'CLIENT_SECRET="$CLIENT_SECRET" k6 run -e PROFILE=profiles/orders-service.json -e OIDC_ISSUER=https://login.example.com -e CLIENT_ID=orders-service -e SCOPE=orders:read -e BASE_URL=https://api.example.com -e PROTECTED_PATH=/orders -e RESULTS_DIR=results dist/smoke.js':
    {
      // The service client's secret in the shell, as the README has it: k6 reads it from there.
      env: ({ idp }) => ({ CLIENT_SECRET: idp.clients.service.secret ?? '' }),
      append: ({ idp }) =>
        `-e OIDC_ISSUER=${idp.issuer} -e CLIENT_ID=${idp.clients.service.id} -e SCOPE=api:read -e BASE_URL=${idp.issuer} -e PROTECTED_PATH=/api/protected -e VUS=2 ${short}`,
      verify: async (_run, { idp }) => {
        assert.ok((await idp.stats()).clientCredentialsTokens >= 2);
      },
    },
  'AUTH_PASSWORD="$AUTH_PASSWORD" npm run scenario -- smoke -e AUTH_USERNAME=loadtest': {
    env: () => ({ AUTH_PASSWORD: ACCOUNT.password }),
    append: (ctx) => `${reference(ctx)} -e AUTH_USERNAME=${ACCOUNT.username} ${short}`,
    verify: async (_run, ctx) => {
      const stats = await ctx.reference.stats();
      assert.ok(stats.logins > 0, `logins with the password from the environment: ${stats.logins}`);
    },
  },
  'npm run scenario -- smoke -e AUTH_USERNAME=loadtest -e AUTH_PASSWORD_SECRET=password --secret-source=file=secrets.txt':
    {
      // secrets.txt (in the sandbox, as a user would write it) holds password=<the account's>.
      append: (ctx) => `${reference(ctx)} -e AUTH_USERNAME=${ACCOUNT.username} ${short}`,
      verify: async (run) => {
        assert.match(run.stdout, /checks_succeeded\.+: 100\.00%/);
      },
    },
  'npm run scenario -- smoke -e THRESHOLDS=load': {
    append: (ctx) => `${reference(ctx)} ${short}`,
  },
  'npm run scenario -- smoke -e THRESHOLDS_OVERRIDE=\'{"checks":["rate>0.99"]}\'': {
    append: (ctx) => `${reference(ctx)} ${short}`,
    verify: async (_run, ctx) => {
      const summary = await readFile(join(await latestFolder(ctx, 'smoke-'), 'summary.md'), 'utf8');
      assert.match(summary, /`checks` \| `rate>0\.99`/);
    },
  },
  'npm run distributed -- load --instances 4 -e BASE_URL=https://staging.example.com -e RATE=400 -e DURATION=10m':
    {
      append: (ctx) => `${reference(ctx)} -e RATE=20 ${short} -e MAX_VUS=8 -e PRE_ALLOCATED_VUS=8`,
      verify: async (_run, ctx) => {
        const dir = await latestFolder(ctx, 'load-');
        assert.deepEqual(await readdir(join(dir, 'instances')), ['1', '2', '3', '4']);
        const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
        assert.equal(summary.metrics.vus_max.values.value, 8);
      },
    },
  'npm run operator -- load --parallelism 4 --separate -e BASE_URL=https://staging.example.com -e RATE=400 -e DURATION=10m -e CLIENT_SECRET':
    {
      verify: async (_run, ctx) => {
        const [dir] = await resultFolders(ctx, 'operator-load-');
        assert.ok(dir !== undefined, 'no operator folder');
        assert.deepEqual((await readdir(dir)).sort(), ['archive.tar', 'testrun.yaml']);
        const archive = await readFile(join(dir, 'archive.tar'));
        assert.equal(archive.includes(CLIENT_SECRET), false);
      },
    },
};

interface Step {
  where: string;
  command: string;
  skip: string | undefined;
}

/** Each README command split at `&&` into the steps a shell runs, in README order, once each. */
function readmeSteps(): Step[] {
  const steps: Step[] = [];
  const seen = new Set<string>();
  for (const file of READMES) {
    for (const { where, lang, command } of shellCommands(file)) {
      const parts = lang === 'cron' ? [command] : command.split(/\s+&&\s+/);
      for (const part of parts) {
        if (seen.has(part)) continue;
        seen.add(part);
        steps.push({ where, command: part, skip: lang === 'cron' ? CRON_REASON : SKIPPED[part] });
      }
    }
  }
  return steps;
}

/** A folder laid out like a checkout: the repository linked in, with a user's own files beside. */
async function makeSandbox(): Promise<string> {
  const sandbox = await mkdtemp(join(tmpdir(), 'readme-commands-'));
  for (const name of await readdir(REPO_ROOT)) {
    if (['.git', 'results', 'profiles'].includes(name)) continue;
    await symlink(join(REPO_ROOT, name), join(sandbox, name));
  }
  await mkdir(join(sandbox, 'results'));
  await mkdir(join(sandbox, 'profiles'));
  for (const name of await readdir(join(REPO_ROOT, 'profiles'))) {
    await symlink(join(REPO_ROOT, 'profiles', name), join(sandbox, 'profiles', name));
  }
  // "your own API" is the reference server here, so its profile is the article's.
  await copyFile(join(REPO_ROOT, 'profiles/article.json'), join(sandbox, 'profiles/my-api.json'));
  const loadMaxVus = Number(SCENARIO_KNOBS.load.find((knob) => knob.env === 'MAX_VUS')?.default);
  await writeFile(join(sandbox, 'accounts.csv'), accountsCsv(loadMaxVus));
  await writeFile(join(sandbox, 'users.csv'), accountsCsv(2));
  await writeFile(join(sandbox, 'secrets.txt'), `password=${ACCOUNT.password}\n`);
  // `k6` on PATH, as the README's plain `k6 run` lines expect: the pinned one.
  const { path: k6 } = await provisionK6();
  await mkdir(join(sandbox, '.bin'));
  await symlink(k6, join(sandbox, '.bin', 'k6'));
  return sandbox;
}

/** A pool of the demo users user1..user<count> (the test servers' accounts). */
function accountsCsv(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => `user${i + 1},pass${i + 1}`);
  return `username,password\n${rows.join('\n')}\n`;
}

describe('every shell command in the READMEs', () => {
  const steps = readmeSteps();
  let ctx: Context;

  before(async () => {
    await ensureBuilt();
    const [sandbox, referenceServer, oauth2, idp] = await Promise.all([
      makeSandbox(),
      startReferenceServer(),
      startOAuth2Server({ clientSecret: CLIENT_SECRET }),
      startIdp({ users: 1000 }),
    ]);
    ctx = { sandbox, reference: referenceServer, oauth2, idp };
    // The README's copy of oauth2-client-credentials.json, asking for the resource this IdP's API
    // is (it takes a resource indicator where the README's provider takes an audience).
    const service = JSON.parse(
      await readFile(join(REPO_ROOT, 'profiles/oauth2-client-credentials.json'), 'utf8'),
    );
    await writeFile(
      join(sandbox, 'profiles/orders-service.json'),
      JSON.stringify({ ...service, oauth: { resource: idp.apiResource } }),
    );
  });

  after(async () => {
    await Promise.all([ctx?.reference.stop(), ctx?.oauth2.stop(), ctx?.idp.stop()]);
    if (ctx !== undefined) await rm(ctx.sandbox, { recursive: true, force: true });
  });

  it('has a plan or a reason to skip for each command, and none for a command no README shows', () => {
    const unplanned = steps.filter((step) => step.skip === undefined && !(step.command in PLANS));
    assert.deepEqual(
      unplanned.map((step) => `${step.where}: ${step.command}`),
      [],
      'add each to PLANS (run, shortened by -e) or SKIPPED (with the reason)',
    );
    const shown = new Set(steps.map((step) => step.command));
    const stale = [...Object.keys(PLANS), ...Object.keys(SKIPPED)].filter((c) => !shown.has(c));
    assert.deepEqual(stale, [], 'plans for commands that no README shows any more');
    const ran = steps.filter((step) => step.skip === undefined).length;
    console.log(`README commands: ${ran} run, ${steps.length - ran} skipped`);
  });

  for (const step of steps) {
    const plan = PLANS[step.command];
    const name = `${step.where}: ${step.command}`;
    if (step.skip !== undefined || plan === undefined) {
      it(name, { skip: step.skip ?? 'no plan (see the first test)' }, () => {});
      continue;
    }
    it(name, async () => {
      const command = plan.append ? `${step.command} ${plan.append(ctx)}` : step.command;
      const shellEnv = plan.env?.(ctx) ?? {};
      const run = await runToEnd('sh', ['-c', command], {
        cwd: ctx.sandbox,
        // Only what a user's shell would have: PATH (with k6 on it), HOME, the client secret.
        // Nothing else from this process reaches k6's __ENV (a stray BASE_URL would retarget it).
        env: {
          PATH: [join(ctx.sandbox, '.bin'), dirname(process.execPath), process.env.PATH].join(':'),
          HOME: process.env.HOME ?? tmpdir(),
          CLIENT_SECRET,
          npm_config_update_notifier: 'false',
          ...shellEnv,
        },
        timeoutMs: plan.timeoutMs ?? RUN_TIMEOUT_MS,
      });
      assert.equal(run.timedOut, false, `${command} finished in time`);
      assert.equal(
        run.code,
        0,
        `${command}\nstdout tail: ${run.stdout.slice(-1500)}\nstderr tail: ${run.stderr.slice(-1500)}`,
      );
      await plan.verify?.(run, ctx);
      // A secret in the shell is never printed, whichever way the command hands it to k6.
      const secrets = [CLIENT_SECRET, ...Object.values(shellEnv)].filter((secret) => secret !== '');
      for (const [where, text] of Object.entries({ stdout: run.stdout, stderr: run.stderr })) {
        const shown = secrets.findIndex((secret) => text.includes(secret));
        assert.equal(shown, -1, `${where} shows secret #${shown + 1} of the shell`);
      }
    });
  }
});
