/**
 * Which charts a result folder gets, from what the run left in it: latency over time per endpoint
 * with its SLO line and requests per second (series.json), logins and refreshes per second
 * (series.json), the capacity steps (capacity.json and the steps' p95 in summary.json), and the
 * soak's windows with the drift verdict (soak.json). Pure: data in, chart specs out (charts.ts
 * draws them).
 */

import type { StepResult } from './capacity.ts';
import { type LineChart, type LineSeries, PALETTE, type Point, timeTicks } from './charts.ts';
import { phaseMetric } from './phases.ts';
import { formatElapsed } from './scenario-report.ts';
import type { Series } from './series.ts';
import type { SoakComparison } from './soak-windows.ts';
import type { SummaryData } from './summary-data.ts';

/** capacity.json as scenario-report.ts writes it (the fields the page reads). */
export interface CapacityFile {
  heldRate: number | null;
  brokeAtRate: number | null;
  maxRate: number;
  heldAll: boolean;
  sentence: string;
  steps: StepResult[];
}

/** What a result folder holds, read and parsed; null where a file is absent. */
export interface ResultFolder {
  scenario: string;
  summary: SummaryData | null;
  series: Series | null;
  capacity: CapacityFile | null;
  soak: SoakComparison | null;
}

/** The login flow first, then the traffic it protects, then the rest by name; setup's probe last. */
const ENDPOINT_ORDER = [
  'discovery',
  'csrf',
  'authorize',
  'login',
  'consent',
  'token',
  'refresh',
  'protected',
  'logout',
];
const LAST = ['preflight'];

const ENDPOINT_COLORS = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.green,
  PALETTE.purple,
  PALETTE.brown,
  PALETTE.grey,
];

/** The endpoints of a series in display order. */
export function orderEndpoints(endpoints: readonly string[]): string[] {
  const rank = (endpoint: string) => {
    const index = ENDPOINT_ORDER.indexOf(endpoint);
    if (LAST.includes(endpoint)) return ENDPOINT_ORDER.length + 1;
    return index === -1 ? ENDPOINT_ORDER.length : index;
  };
  return [...endpoints].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const P95_LIMIT = /^\s*p\(95\)\s*<=?\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * The p95 limit in ms an endpoint is held to by the run's thresholds: its own
 * `http_req_duration{endpoint:<name>}` `p(95)<N`, else the run-wide `http_req_duration` one.
 * Null when neither exists.
 */
export function p95LimitMs(summary: SummaryData | null, endpoint: string): number | null {
  const limitOf = (metric: string): number | null => {
    const thresholds = summary?.metrics[metric]?.thresholds ?? {};
    const limits = Object.keys(thresholds)
      .map((expression) => P95_LIMIT.exec(expression)?.[1])
      .filter((limit): limit is string => limit !== undefined)
      .map(Number);
    return limits.length === 0 ? null : Math.min(...limits);
  };
  return limitOf(`http_req_duration{endpoint:${endpoint}}`) ?? limitOf('http_req_duration');
}

function sloLine(limit: number | null) {
  return limit === null ? [] : [{ y: limit, label: `SLO p95 < ${limit} ms`, color: PALETTE.red }];
}

function latencyCharts(folder: ResultFolder, series: Series): LineChart[] {
  // setup()'s one probe of the target is in the tables, not worth a chart.
  const charted = Object.keys(series.endpoints).filter((endpoint) => !LAST.includes(endpoint));
  return orderEndpoints(charted).map((endpoint) => {
    const windows = series.endpoints[endpoint] ?? [];
    const line = (key: 'p50' | 'p95' | 'p99'): Point[] =>
      windows.map((window) => [window.t, window[key]]);
    const requests = windows.reduce((sum, window) => sum + window.requests, 0);
    return {
      id: `latency-${slug(endpoint)}`,
      title: `${endpoint}: latency over time`,
      caption: `${requests} requests; http_req_duration percentiles per ${series.windowMs / 1000} s window`,
      xLabel: 'time into the run',
      yLabel: 'ms',
      formatX: formatElapsed,
      ticksX: timeTicks,
      series: [
        // p95 last: drawn on top, where the SLO is judged.
        { label: 'p50', points: line('p50'), color: PALETTE.green },
        { label: 'p99', points: line('p99'), color: PALETTE.purple },
        { label: 'p95', points: line('p95'), color: PALETTE.blue },
      ],
      references: sloLine(p95LimitMs(folder.summary, endpoint)),
    };
  });
}

function throughputChart(series: Series): LineChart {
  const seconds = series.windowMs / 1000;
  const endpoints = orderEndpoints(Object.keys(series.endpoints));
  const lines: LineSeries[] = endpoints.map((endpoint, index) => ({
    label: `${endpoint}/s`,
    points: (series.endpoints[endpoint] ?? []).map((window) => [
      window.t,
      window.requests / seconds,
    ]),
    color: ENDPOINT_COLORS[index % ENDPOINT_COLORS.length] ?? PALETTE.grey,
  }));
  const errors: Point[] = series.auth.map((window, index) => [
    window.t,
    endpoints.reduce(
      (sum, endpoint) => sum + (series.endpoints[endpoint]?.[index]?.errors ?? 0),
      0,
    ) / seconds,
  ]);
  const totalErrors = errors.reduce((sum, [, y]) => sum + (y ?? 0) * seconds, 0);
  return {
    id: 'requests',
    title: 'Requests and errors per second',
    caption: `${Math.round(totalErrors)} failed requests (http_req_failed) in all`,
    xLabel: 'time into the run',
    yLabel: 'per second',
    formatX: formatElapsed,
    ticksX: timeTicks,
    series: [...lines, { label: 'errors/s', points: errors, color: PALETTE.red, dashed: true }],
    yMaxAtLeast: 1,
  };
}

function authChart(series: Series): LineChart {
  const seconds = series.windowMs / 1000;
  const line = (key: 'logins' | 'refreshes' | 'relogins' | 'authErrors'): Point[] =>
    series.auth.map((window) => [window.t, window[key] / seconds]);
  const total = (key: 'logins' | 'refreshes' | 'relogins') =>
    series.auth.reduce((sum, window) => sum + window[key], 0);
  return {
    id: 'auth',
    title: 'Logins and refreshes per second',
    caption: `${total('logins')} logins, ${total('refreshes')} refreshes, ${total('relogins')} relogins; a storm shows as a spike, jitter as its spread`,
    xLabel: 'time into the run',
    yLabel: 'per second',
    formatX: formatElapsed,
    ticksX: timeTicks,
    series: [
      { label: 'logins/s', points: line('logins'), color: PALETTE.blue },
      { label: 'refreshes/s', points: line('refreshes'), color: PALETTE.orange },
      { label: 'relogins/s', points: line('relogins'), color: PALETTE.purple },
      { label: 'auth errors/s', points: line('authErrors'), color: PALETTE.red, dashed: true },
    ],
    yMaxAtLeast: 1,
  };
}

function capacityCharts(folder: ResultFolder, capacity: CapacityFile): LineChart[] {
  const steps = capacity.steps.filter((step) => step.started);
  const broken = capacity.steps.find((step) => !step.held);
  const markers = [
    ...(capacity.heldRate === null
      ? []
      : [{ x: capacity.heldRate, label: `capacity ${capacity.heldRate}/s`, color: PALETTE.green }]),
    ...(broken === undefined
      ? []
      : [
          {
            x: broken.targetRate,
            label: `breaks: step ${broken.step} (${broken.targetRate}/s)`,
            color: PALETTE.red,
          },
        ]),
  ];
  const rate: LineChart = {
    id: 'capacity-rate',
    title: 'Capacity: achieved rate per step',
    caption: capacity.sentence,
    xLabel: 'step target rate (iterations/s)',
    yLabel: 'protected requests/s',
    formatX: (x) => `${Math.round(x * 10) / 10}/s`,
    series: [
      {
        label: 'achieved/s',
        points: steps.map((step) => [step.targetRate, step.achievedRate]),
        color: PALETTE.blue,
        dots: true,
      },
      {
        label: 'target/s',
        points: steps.map((step) => [step.targetRate, step.targetRate]),
        color: PALETTE.grey,
        dashed: true,
      },
    ],
    markers,
  };
  const p95 = (step: StepResult): number | null => {
    if (folder.summary === null) return null;
    const metric = phaseMetric(folder.summary, 'http_req_duration{endpoint:protected}', step.name);
    return metric === undefined || metric.values.count === 0
      ? null
      : (metric.values['p(95)'] ?? null);
  };
  const latency: LineChart = {
    id: 'capacity-p95',
    title: 'Capacity: protected p95 per step',
    caption:
      broken === undefined
        ? 'every step held'
        : `step ${broken.step} (${broken.targetRate}/s) is the breaking step`,
    xLabel: 'step target rate (iterations/s)',
    yLabel: 'ms',
    formatX: (x) => `${Math.round(x * 10) / 10}/s`,
    series: [
      {
        label: 'p95 protected',
        points: steps.map((step) => [step.targetRate, p95(step)]),
        color: PALETTE.blue,
        dots: true,
      },
    ],
    references: sloLine(p95LimitMs(folder.summary, 'protected')),
    markers,
  };
  return [rate, latency];
}

function soakCharts(folder: ResultFolder, soak: SoakComparison): LineChart[] {
  const at = (row: SoakComparison['windows'][number]) => row.startMs;
  const common = {
    xLabel: 'window start',
    formatX: formatElapsed,
    ticksX: timeTicks,
    caption: soak.sentence,
  };
  return [
    {
      ...common,
      id: 'soak-p95',
      title: `Soak: p95 per window (${soak.flat ? 'flat' : 'drifted'})`,
      yLabel: 'ms',
      series: [
        {
          label: 'p95 protected',
          points: soak.windows.map((row) => [at(row), row.protectedP95Ms]),
          color: PALETTE.blue,
          dots: true,
        },
        {
          label: 'p95 refresh',
          points: soak.windows.map((row) => [at(row), row.refreshP95Ms]),
          color: PALETTE.orange,
          dots: true,
        },
      ],
      references: sloLine(p95LimitMs(folder.summary, 'protected')),
    },
    {
      ...common,
      id: 'soak-errors',
      title: 'Soak: error rate per window',
      yLabel: '% of requests failed',
      series: [
        {
          label: 'http_req_failed %',
          points: soak.windows.map((row) => [
            at(row),
            row.errorRate === null ? null : row.errorRate * 100,
          ]),
          color: PALETTE.red,
          dots: true,
        },
      ],
      yMaxAtLeast: 1,
    },
    {
      ...common,
      id: 'soak-refreshes',
      title: 'Soak: refreshes per minute per window',
      yLabel: 'refreshes/min',
      series: [
        {
          label: 'refreshes/min',
          points: soak.windows.map((row) => [at(row), row.refreshesPerMinute]),
          color: PALETTE.orange,
          dots: true,
        },
      ],
      yMaxAtLeast: 1,
    },
  ];
}

/** `[a-z0-9-]` only: a chart id names a file. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'none'
  );
}

/** Every chart the folder's data supports, in page order. */
export function buildResultCharts(folder: ResultFolder): LineChart[] {
  const charts: LineChart[] = [];
  if (folder.capacity !== null) charts.push(...capacityCharts(folder, folder.capacity));
  if (folder.soak !== null) charts.push(...soakCharts(folder, folder.soak));
  if (folder.series !== null && folder.series.auth.length > 0) {
    charts.push(...latencyCharts(folder, folder.series));
    charts.push(throughputChart(folder.series), authChart(folder.series));
  }
  return charts;
}
