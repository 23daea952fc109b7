/**
 * Results for a run that k6 stopped before its end-of-test summary: a bad setting at init (exit
 * code 107), an invalid k6 option (104), a test that aborted itself at init (108), a command line
 * k6 could not start with (255). k6 calls `handleSummary` in none of these cases, so CI would find
 * no junit.xml and no summary.md; `npm run scenario` writes both from what k6 printed instead.
 *
 * k6 prints such an error on stderr as one logfmt line (k6 v2.2.0, measured):
 * `time="…" level=error msg="SCENARIO_SETTING_INVALID ConfigError: Invalid -e VUS; …\n" hint="script exception"`,
 * `level=error msg="test aborted: CREDENTIALS_TOO_FEW: Not enough accounts…"`, or
 * `level=error msg="unknown flag: --no-summary"`. The toolkit's own errors start with their code.
 */
import { type ErrorCode, isErrorCode } from '../errors.ts';
import { redact, redactCredentialShapes, redactSecrets } from '../redact.ts';
import { escapeXml } from './escape-xml.ts';
import { codeCell, escapeCell } from './markdown.ts';

/** The error a stopped run ended with, as found in k6's output. */
export interface RunFailure {
  /** The toolkit's code when the message names one (`CREDENTIALS_TOO_FEW`). */
  code?: ErrorCode;
  /** The message's first line, without k6's prefixes or stack frames. */
  message: string;
}

/** Go's quoting of a logfmt value (`\"`, `\\`, `\n`, `\t`, `\xNN`, `\uNNNN`), undone. */
function unquote(inner: string): string {
  return inner.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, sequence: string) => {
    if (sequence === 'n') return '\n';
    if (sequence === 't') return '\t';
    if (sequence === 'r') return '\r';
    if (sequence.length > 1) return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    return sequence;
  });
}

/** The `msg` of each `level=error` line, in order. */
function errorMessages(stderr: string): string[] {
  const messages: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!/\blevel=error\b/.test(line)) continue;
    const quoted = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
    const bare = /\bmsg=(\S+)/.exec(line);
    const text = quoted ? unquote(quoted[1] ?? '') : bare?.[1];
    if (text !== undefined && text !== '') messages.push(text);
  }
  return messages;
}

/** The first line of `text`, without k6's wrapping and without the frames after it. */
function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return (
    line
      // exec.test.abort at init: "could not initialize 'x.js': could not load JS test '…': test aborted: …"
      .replace(/^could not initialize '[^']*': could not load JS test '[^']*': /, '')
      .replace(/^test aborted: /, '')
      // exec.test.abort appends where it was called: " at stopTest (file:///…:104:52(17))".
      .replace(/ at [\w$.<>]* ?\((?:file|https?):\/\/.*\)$/, '')
      .trim()
  );
}

/** The first known code at the start of the message, or after k6's own prefix. */
function codeIn(message: string): ErrorCode | undefined {
  const first = /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[\s:]/.exec(message)?.[1];
  return first !== undefined && isErrorCode(first) ? first : undefined;
}

/**
 * The error a stopped run ended with: the first `level=error` line naming a toolkit code, else
 * the first `level=error` line, else the last non-empty line k6 printed. Undefined when k6
 * printed nothing. Known secrets and secret-shaped text are masked.
 */
export function findRunFailure(
  stderr: string,
  knownSecrets: readonly string[] = [],
): RunFailure | undefined {
  const messages = errorMessages(stderr)
    .map(firstLine)
    .filter((line) => line !== '');
  const fallback = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .pop();
  const chosen =
    messages.find((message) => codeIn(message) !== undefined) ?? messages[0] ?? fallback;
  if (chosen === undefined) return undefined;
  const code = codeIn(chosen);
  // A toolkit message names settings, never their secret values (house style): the field rule
  // of redact() would turn "AUTH_PASSWORD_SECRET=nope" and the code itself into [REDACTED].
  const masked =
    code === undefined
      ? redact(chosen, knownSecrets)
      : redactCredentialShapes(redactSecrets(chosen, knownSecrets));
  const message = masked.slice(0, 2000);
  return code === undefined ? { message } : { code, message };
}

/** What an exit code without results means, as k6 documents them. */
export function describeExitCode(exitCode: number): string {
  switch (exitCode) {
    case 104:
      return 'k6 rejected its configuration before the test started';
    case 107:
      return 'the script stopped at init, before any request: a setting, profile or credentials file is wrong, or the script threw';
    case 108:
      return 'the test aborted itself (exec.test.abort) before the end-of-test summary';
    case 255:
      return 'k6 could not start: an unknown flag or a script file that is not there';
    default:
      return `k6 stopped with exit code ${exitCode} before the end-of-test summary`;
  }
}

/** What to do about it: per code where the troubleshooting table has a row, else per exit code. */
export function fixFor(failure: RunFailure | undefined, exitCode: number): string {
  switch (failure?.code) {
    case 'CREDENTIALS_TOO_FEW':
      return 'add accounts, lower the VUs (-e VUS, -e MAX_VUS), or allow -e SHARE_ACCOUNTS=true';
    case 'CREDENTIALS_SECRET_UNREADABLE':
      return 'pass a --secret-source that holds the secret -e AUTH_PASSWORD_SECRET names (e.g. --secret-source=file=secrets.txt)';
    case undefined:
      break;
    default:
      return 'fix the setting the message names (docs/exit-codes-and-troubleshooting.md; -e STACK_TRACES=true shows where it was thrown)';
  }
  if (exitCode === 255)
    return 'check the k6 flags (k6 run --help) and that the script exists (npm run build)';
  return 'read the message above; -e STACK_TRACES=true shows where a toolkit error was thrown';
}

export interface RunFailureContext {
  scenario: string;
  exitCode: number;
  /** Epoch milliseconds: the suite's timestamp and summary.md's "Generated". */
  generatedAtMs: number;
}

/** The one-line text of a failure: `<message>` or, when k6 printed nothing, the exit code's meaning. */
function headline(failure: RunFailure | undefined, exitCode: number): string {
  return failure?.message ?? `k6 exited ${exitCode} and printed no error`;
}

/**
 * junit.xml for a stopped run: one failing test case that names the code and the message, in the
 * suite a finished run of the scenario would have (so CI tracks it in the same place).
 */
export function formatRunFailureJunit(
  failure: RunFailure | undefined,
  context: RunFailureContext,
): string {
  const suite = escapeXml(`k6 thresholds: ${context.scenario}`);
  const timestamp = new Date(context.generatedAtMs).toISOString().replace(/\.\d{3}Z$/, '');
  const name = `k6 run stopped with exit code ${context.exitCode}${failure?.code ? `: ${failure.code}` : ''}`;
  const message = headline(failure, context.exitCode);
  const body = [
    message,
    describeExitCode(context.exitCode),
    `fix: ${fixFor(failure, context.exitCode)}`,
  ].join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${suite}" tests="1" failures="1" errors="0" time="0">`,
    `  <testsuite name="${suite}" tests="1" failures="1" errors="0" skipped="0" time="0" timestamp="${timestamp}">`,
    `    <testcase classname="k6-auth-toolkit" name="${escapeXml(name)}" time="0">`,
    `      <failure message="${escapeXml(message)}" type="${escapeXml(failure?.code ?? `exit ${context.exitCode}`)}">${escapeXml(body)}</failure>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** summary.md for a stopped run: the error first, then the exit code and what to fix. */
export function formatRunFailureMarkdown(
  failure: RunFailure | undefined,
  context: RunFailureContext,
): string {
  return [
    `# ${escapeCell(context.scenario)}: k6 results`,
    '',
    `- Result: **failed**: k6 stopped before its end-of-test summary (exit code ${context.exitCode})`,
    `- Error: ${codeCell(headline(failure, context.exitCode))}`,
    ...(failure?.code ? [`- Code: ${codeCell(failure.code)}`] : []),
    `- What it means: ${escapeCell(describeExitCode(context.exitCode))}`,
    `- What to fix: ${escapeCell(fixFor(failure, context.exitCode))}`,
    `- Generated: ${new Date(context.generatedAtMs).toISOString()}`,
    '',
    'No thresholds were judged: k6 wrote no end-of-test summary.',
    '',
  ].join('\n');
}
