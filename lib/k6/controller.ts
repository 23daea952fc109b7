/**
 * dist/controller.js: the code only VU 0 runs (see lib/k6/vu-zero.ts). build.mjs bundles this
 * file apart from the scenarios, and VU 0 loads it with `require`.
 */

export { renderResults, thresholdOptions } from './results.ts';
export { planScenarioRun } from './scenario-plan.ts';
export { loadCredentialPool, loadSettings } from './settings.ts';
