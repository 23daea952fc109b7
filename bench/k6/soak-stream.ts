/**
 * Part 5's alternative time source: the `soak` scenario (scenarios/soak.ts) without its phase
 * sub-metrics. The always-true thresholds that keep one sub-metric per window alive
 * (`http_req_duration{endpoint:protected,phase:window-2}: max>=0`, lib/core/results/phases.ts)
 * are dropped, so k6 keeps no per-window sinks; the windows then come from the stream of samples
 * (`--out csv`, as `npm run scenario` reads it into series.json). The VUs still set the `phase`
 * tag (the toolkit does that for every scenario with phases), so this measures the alternative
 * with one tag too many: its cost is, if anything, overstated.
 */
import type { Options } from 'k6/options';
import * as soak from '../../scenarios/soak.ts';

const PHASE_SUB_METRIC = /[{,]phase:/;

function withoutPhaseThresholds(options: Options | undefined): Options | undefined {
  if (options?.thresholds === undefined) return options;
  const thresholds = Object.fromEntries(
    Object.entries(options.thresholds).filter(([key]) => !PHASE_SUB_METRIC.test(key)),
  );
  return { ...options, thresholds };
}

export const options = withoutPhaseThresholds(soak.options);
export const handleSummary = soak.handleSummary;
export const setup = soak.setup;
export default soak.default;
