/**
 * k6 `options` for a script of your own, with the toolkit's thresholds. k6 reads `options` in VU 0
 * only, so the thresholds are resolved there (lib/core/scenario/thresholds.ts, in dist/controller.js) and the
 * other VUs carry none of that code.
 */
import type { Options } from 'k6/options';
import { atInit } from './init-errors.ts';
import { controller } from './vu-zero.ts';

/**
 * `base` plus the thresholds of `-e THRESHOLDS` (else `defaultProfile`) and the trend statistics
 * the results table needs; undefined outside VU 0. A bad threshold setting throws at init.
 *
 * @example
 * export const options = withThresholds({ vus: 10, duration: '1m' }, 'load');
 */
export function withThresholds(base: Options, defaultProfile = 'smoke'): Options | undefined {
  const vuZero = controller; // narrowed once, for the closure below
  if (vuZero === undefined) return undefined;
  const thresholds = atInit(() => vuZero.thresholdOptions(__ENV, defaultProfile));
  return { ...base, ...thresholds };
}
