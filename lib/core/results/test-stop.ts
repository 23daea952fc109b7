/**
 * Why a running test stopped itself (`exec.test.abort`, exit code 108), as its results say it.
 * k6 hands `handleSummary` no abort reason, so the VU that stops the test first records a failed
 * check named `test stopped: <CODE>: <message>` (lib/k6/stop-test.ts): the one piece of text k6
 * carries from a VU into the end-of-test data. summary.md, junit.xml and the terminal then give
 * the same message before any threshold: a test that stopped for a misconfiguration measured no SLO.
 */
import { type ErrorCode, isErrorCode } from '../errors.ts';
import { listChecks, protectedSuccessShortfall, type SummaryData } from './summary-data.ts';

const PREFIX = 'test stopped: ';

/** The name of the check that records a stop. */
export function stopCheckName(code: ErrorCode, message: string): string {
  return `${PREFIX}${code}: ${message}`;
}

/**
 * True for a stop's check name or path (`::test stopped: …`): a toolkit message, which names
 * settings and never a secret's value, so the sanitiser masks only known secrets and credential
 * shapes in it (a field rule would mangle `-e AUTH_PASSWORD_SECRET=<name>` and the code itself).
 */
export function isStopCheckText(text: string): boolean {
  return /^(?:.*::)?test stopped: [A-Z][A-Z0-9_]+: /.test(text);
}

export interface TestStop {
  code: ErrorCode;
  /** The whole line, as the terminal showed it: `test stopped: <CODE>: <message>`. */
  line: string;
}

/** The first stop the run's checks record, or undefined for a run that was not stopped so. */
export function testStopOf(data: SummaryData): TestStop | undefined {
  for (const { name } of listChecks(data.root_group)) {
    if (!name.startsWith(PREFIX)) continue;
    const code = name.slice(PREFIX.length).split(':', 1)[0] ?? '';
    if (isErrorCode(code)) return { code, line: name };
  }
  return undefined;
}

/**
 * Why the run failed whatever its thresholds say, cause first: the stop, then the shortfall of
 * the protected-success guard (a stopped run usually has both). Empty for a run that did neither.
 */
export function runFailureCauses(data: SummaryData): string[] {
  const stop = testStopOf(data);
  const shortfall = protectedSuccessShortfall(data);
  return [
    ...(stop === undefined ? [] : [stop.line]),
    ...(shortfall === undefined ? [] : [shortfall]),
  ];
}
