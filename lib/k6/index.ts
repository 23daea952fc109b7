/**
 * The one import of a k6 script: everything a scenario or a script of your own uses comes from
 * here (the catalogue's `defineScenario`, `withThresholds` for `options`, `summaryHandler` for
 * `handleSummary`, and the request helpers), e.g.
 *
 * ```ts
 * import { protectedCall, summaryHandler, withThresholds } from '../lib/k6/index.ts';
 * export const options = withThresholds({ vus: 10, duration: '1m' }, 'load');
 * export const handleSummary = summaryHandler('orders');
 * export default function () { protectedCall(); }
 * ```
 *
 * esbuild keeps only what a script imports, so the re-exports below cost a VU nothing unless used.
 *
 * Each VU gets one `AuthClient`, created on first use inside VU code (never in init code, where
 * k6 forbids HTTP). It logs in on the VU's first request and keeps its cookie jar or tokens
 * across iterations. Configuration (`-e AUTH_MODE`, `-e PROFILE`, …) is read at init by
 * lib/k6/config.ts, so a bad value stops the run before any request.
 */
export type { SummaryExtras } from '../core/results/result-files.ts';
export type { SummaryData } from '../core/results/summary-data.ts';
export type { ParallelVia, ScenarioName } from '../core/scenario/shapes.ts';
export type { AuthRequest, AuthResponse } from './auth-client.ts';
export { profile } from './config.ts';
export { withThresholds } from './options.ts';
export { defineScenario, type Scenario } from './scenario.ts';
export { loseAllSessions } from './session-loss.ts';
export { type SummaryHandler, summaryHandler } from './summary.ts';
export {
  authClient,
  authenticatedBatch,
  authenticatedRequest,
  authenticatedRequestAsync,
  protectedCall,
  protectedCalls,
  type SetupData,
  setup,
  useSetupData,
} from './vu-requests.ts';
