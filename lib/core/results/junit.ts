/**
 * junit.xml for CI: one `<testcase>` per threshold, a `<failure>` on each crossed one. The format
 * is the de-facto JUnit XML read by Jenkins, GitLab and GitHub reporters (testsuites > testsuite >
 * testcase > failure).
 */
import { PROTECTED_SUCCESS_METRIC } from '../scenario/thresholds.ts';
import { escapeXml } from './escape-xml.ts';
import type { SummaryData } from './summary-data.ts';
import { listThresholds, protectedSuccessShortfall } from './summary-data.ts';
import { testStopOf } from './test-stop.ts';

export interface JunitOptions {
  /** Scenario name: the suite is called "k6 thresholds: <scenario>". */
  scenario: string;
  /** When the summary was made, epoch milliseconds (the suite's timestamp). */
  generatedAtMs: number;
}

/** The JUnit XML document for the run's thresholds (sanitised data in, so no secret goes out). */
export function formatJunit(data: SummaryData, options: JunitOptions): string {
  const thresholds = listThresholds(data);
  const stop = testStopOf(data);
  const tests = thresholds.length + (stop === undefined ? 0 : 1);
  const failures = thresholds.filter((result) => !result.ok).length + (stop === undefined ? 0 : 1);
  const shortfall = protectedSuccessShortfall(data);
  const seconds = (data.state.testRunDurationMs / 1000).toFixed(3);
  const timestamp = new Date(options.generatedAtMs).toISOString().replace(/\.\d{3}Z$/, '');
  const suite = escapeXml(`k6 thresholds: ${options.scenario}`);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${suite}" tests="${tests}" failures="${failures}" errors="0" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${timestamp}">`,
  ];
  if (stop !== undefined) {
    // The cause first, as in summary.md: the thresholds of a stopped test measured no SLO.
    const message = escapeXml(stop.line);
    lines.push(
      `    <testcase classname="k6-auth-toolkit" name="test stopped: ${stop.code}" time="0">`,
      `      <failure message="${message}" type="${stop.code}">${message}</failure>`,
      '    </testcase>',
    );
  }
  for (const result of thresholds) {
    const open = `    <testcase classname="${escapeXml(result.metric)}" name="${escapeXml(result.expression)}" time="0"`;
    if (result.ok) {
      lines.push(`${open}/>`);
      continue;
    }
    const observed = result.observed ?? 'value not in the summary';
    const message =
      result.metric === PROTECTED_SUCCESS_METRIC && shortfall !== undefined
        ? `${shortfall}; the run fails whatever the other thresholds say (${result.metric} ${result.expression}; observed ${observed})`
        : `${result.metric} crossed ${result.expression}; observed ${observed}`;
    lines.push(
      `${open}>`,
      `      <failure message="${escapeXml(message)}" type="threshold">${escapeXml(message)}</failure>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
