/**
 * Stops the whole test from VU or setup code (k6 exit code 108) with a toolkit code and message.
 * A throw would only fail this VU's iteration, and every next one alike. The message also goes
 * into a failed check, for the results to say it (lib/core/results/test-stop.ts): k6 tells
 * `handleSummary` nothing about an abort.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import type { ErrorCode } from '../core/errors.ts';
import { stopCheckName } from '../core/results/test-stop.ts';

export function stopTest(code: ErrorCode, message: string): never {
  check(null, { [stopCheckName(code, message)]: () => false });
  exec.test.abort(`${code}: ${message}`);
  // exec.test.abort does not return; this tells TypeScript so.
  throw new Error(message);
}
