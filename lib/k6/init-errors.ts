/**
 * How a toolkit error at init (a bad setting, profile or pool, found in VU 0) reaches the user.
 *
 * k6 prints an init exception as the thrown value's `toString()` followed by the stack frames it
 * captured, exit code 107. For an `Error` those are up to ten frames of absolute paths into the
 * bundle's sources, which bury the one line that matters. For a thrown value that is not an
 * `Error` k6 v2.2.0 prints the text alone, still with exit code 107 (measured: `level=error
 * msg="<text>\n" hint="script exception"`). So at init the toolkit rethrows its own errors as an
 * {@link InitFailure}: `<CODE> <Name>: <message>`, no frames. `-e STACK_TRACES=true` keeps the
 * original error and its frames, for a bug report.
 *
 * The other way k6 offers, `exec.test.abort(message)` at init, ends with exit code 108 behind a
 * `could not initialize '…': could not load JS test '…': test aborted:` prefix and a frame: 107 is
 * the documented code for bad configuration, so the toolkit does not use it there.
 */
import { readEnvValue } from '../core/env-values.ts';
import {
  describeToolkitError,
  type ErrorCode,
  isToolkitError,
  type ToolkitError,
} from '../core/errors.ts';

/** A toolkit error as thrown at init: the same code, name and message, printed without frames. */
export class InitFailure {
  readonly code: ErrorCode;
  readonly name: string;
  readonly message: string;

  constructor(error: ToolkitError) {
    this.code = error.code;
    this.name = error.name;
    this.message = error.message;
  }

  toString(): string {
    return describeToolkitError(this);
  }
}

/** `-e STACK_TRACES=true`: init errors keep their stack frames. */
function showsStackTraces(): boolean {
  return readEnvValue(__ENV, 'STACK_TRACES') === 'true';
}

/**
 * Runs one init step (reading settings, planning the run, checking the pool) and turns a toolkit
 * error it throws (from this bundle or dist/controller.js) into an {@link InitFailure}, unless `-e STACK_TRACES=true`. Anything else (a
 * bug, a script's own error) is rethrown as it is, with its frames.
 */
export function atInit<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isToolkitError(error) && !showsStackTraces()) throw new InitFailure(error);
    throw error;
  }
}
