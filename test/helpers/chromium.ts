/**
 * Headless Chromium for the tests that open a result page as a person would (Debian's `chromium`
 * package, no browser download). Provisioning: `CHROMIUM_BIN` if set → `chromium` or
 * `chromium-browser` on PATH → `apt-get install -y chromium` when this process may (root, with
 * apt-get: a CI container) → otherwise a reason to skip, which the test prints.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const BROWSER_TIMEOUT_MS = 60_000;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function findInstalled(): string | undefined {
  const fromEnv = process.env.CHROMIUM_BIN?.trim();
  if (fromEnv) return fromEnv;
  return onPath('chromium') ?? onPath('chromium-browser');
}

/** The path of a Chromium, installing Debian's package if missing and allowed; or why not. */
export async function provisionChromium(): Promise<{ path: string } | { skip: string }> {
  const found = findInstalled();
  if (found !== undefined) return { path: found };
  if (process.getuid?.() !== 0 || onPath('apt-get') === undefined) {
    return {
      skip: 'no chromium on PATH (set CHROMIUM_BIN), and apt-get install needs root with apt-get',
    };
  }
  process.stderr.write('test setup: installing Debian chromium with apt-get (first time only)…\n');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update'], { env, timeout: INSTALL_TIMEOUT_MS });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      env,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { skip: `apt-get install chromium failed: ${message}` };
  }
  const installed = findInstalled();
  return installed === undefined
    ? { skip: 'apt-get installed chromium, yet no chromium is on PATH' }
    : { path: installed };
}

export interface PageVisit {
  /** The DOM after load (`--dump-dom`). */
  dom: string;
  /** Chromium's log lines that report the page: console messages, failed loads. */
  pageErrors: string[];
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-logging=stderr',
  '--v=0',
  '--window-size=1200,2000',
];

/** Lines of Chromium's log about the page itself (not its own D-Bus or GPU noise). */
const PAGE_ERROR = /CONSOLE|Uncaught|Failed to load resource|net::ERR_|Refused to/;

/** Opens `file` (an absolute path) twice: once for its DOM, once for a screenshot to `screenshot`. */
export async function visitPage(
  chromium: string,
  file: string,
  screenshot: string,
): Promise<PageVisit> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  try {
    const url = `file://${file}`;
    const dump = await run(chromium, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', url], {
      timeout: BROWSER_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const shot = await run(
      chromium,
      [...FLAGS, `--user-data-dir=${profile}`, `--screenshot=${screenshot}`, url],
      { timeout: BROWSER_TIMEOUT_MS },
    );
    const log = `${dump.stderr}\n${shot.stderr}`;
    return {
      dom: dump.stdout,
      pageErrors: log.split('\n').filter((line) => PAGE_ERROR.test(line)),
    };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
