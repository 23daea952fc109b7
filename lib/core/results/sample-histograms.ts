/**
 * One instance's raw samples (k6 `--out json`, one JSON object a line) reduced to a histogram per
 * Trend key of its summary (`http_req_duration`, `http_req_duration{endpoint:protected}`, phase
 * sub-metrics…): what a split test's merge needs to compute exact percentiles, and far smaller
 * than the samples. Pure: the caller streams the samples in (scripts/instance-results.ts).
 */
import { type EncodedHistogram, LogHistogram, MERGE_ACCURACY } from './histogram.ts';
import type { K6Sample } from './k6-samples.ts';

/** The file format tag of `histograms.json`. */
export const HISTOGRAMS_FORMAT = 'k6-auth-toolkit/histograms@2';

export interface SampleHistograms {
  format: typeof HISTOGRAMS_FORMAT;
  /** Trend key (as in the summary) → histogram of its samples (`MERGE_ACCURACY`). */
  trends: Record<string, EncodedHistogram>;
  /** HTTP requests sent by `setup()` (k6 tags them `group: ::setup`): one preflight per instance. */
  setupRequests: number;
}

/** A summary key split into its metric and its sub-metric tag filter. */
export interface MetricKey {
  metric: string;
  /** `[tag, value]` pairs, all of which a sample must carry. */
  tags: Array<[string, string]>;
}

/** `http_req_duration{endpoint:protected,phase:s1}` → metric and tag pairs (k6's sub-metric syntax). */
export function parseMetricKey(key: string): MetricKey {
  const open = key.indexOf('{');
  if (open === -1 || !key.endsWith('}')) return { metric: key, tags: [] };
  const tags = key
    .slice(open + 1, -1)
    .split(',')
    .map((pair): [string, string] => {
      const colon = pair.indexOf(':');
      return [pair.slice(0, colon).trim(), pair.slice(colon + 1).trim()];
    });
  return { metric: key.slice(0, open), tags };
}

/** Builds the histograms line by line. */
export class SampleReducer {
  private readonly byMetric = new Map<
    string,
    Array<{ key: string; tags: Array<[string, string]> }>
  >();
  private readonly trends = new Map<string, LogHistogram>();
  private setupRequests = 0;

  /** @param trendKeys - the Trend keys of the instance's summary (metrics of type `trend`). */
  constructor(trendKeys: readonly string[]) {
    for (const key of trendKeys) {
      const { metric, tags } = parseMetricKey(key);
      const list = this.byMetric.get(metric) ?? [];
      list.push({ key, tags });
      this.byMetric.set(metric, list);
      this.trends.set(key, new LogHistogram(MERGE_ACCURACY));
    }
  }

  /** The metrics `addSample` reads: what a sample reader can skip the rest by. */
  get metrics(): ReadonlySet<string> {
    return new Set([...this.byMetric.keys(), 'http_reqs']);
  }

  /** One sample (lib/core/results/k6-samples.ts reads them from k6's JSON output). */
  addSample(sample: K6Sample): void {
    const { tags } = sample;
    if (sample.metric === 'http_reqs' && tags.group === '::setup') this.setupRequests += 1;
    const keys = this.byMetric.get(sample.metric);
    if (keys === undefined) return;
    for (const { key, tags: wanted } of keys) {
      if (wanted.every(([tag, expected]) => tags[tag] === expected)) {
        this.trends.get(key)?.record(sample.value);
      }
    }
  }

  result(): SampleHistograms {
    const trends: Record<string, EncodedHistogram> = {};
    for (const [key, histogram] of this.trends) trends[key] = histogram.encode();
    return { format: HISTOGRAMS_FORMAT, trends, setupRequests: this.setupRequests };
  }
}
