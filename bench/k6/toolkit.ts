/**
 * The same load through the toolkit: each VU logs in on its first request (in the mode of
 * `-e AUTH_MODE`), keeps its tokens or cookie jar, renews before expiry, and checks each
 * protected response (`protectedCall`).
 */
import { sleep } from 'k6';
import { protectedCall } from '../../lib/k6/index.ts';
import { benchOptions, readBenchShape } from './shape/bench-options.ts';

const shape = readBenchShape(__ENV);
export const options = benchOptions(shape);

export default function (): void {
  protectedCall();
  if (shape.kind === 'idle') sleep(shape.idleSeconds);
}
