/**
 * What `npm run chaos` reads from k6's per-sample data (`--out json`, with the `vu` system tag):
 * when errors happened, per-VU counts, whether a VU waited for Retry-After, which VUs got traffic
 * through after a fault. Pure: the points come in as plain data.
 */

/** One k6 data point, as `--out json` writes it, with its time parsed. */
export interface ChaosPoint {
  metric: string;
  /** When k6 recorded the sample, epoch ms: for HTTP metrics, the end of the request. */
  timeMs: number;
  value: number;
  /** The `vu` system tag (k6 keeps it in metadata); '' when absent. */
  vu: string;
  /** The toolkit's `endpoint` tag; '' when absent. */
  endpoint: string;
  /** The `status` tag of HTTP samples; '' when absent. */
  status: string;
}

/** One HTTP request, joined from its `http_req_duration` and `http_req_failed` samples. */
export interface ChaosRequest {
  vu: string;
  endpoint: string;
  status: string;
  startMs: number;
  endMs: number;
  failed: boolean;
}

const keyOf = (point: ChaosPoint) =>
  `${point.timeMs}|${point.vu}|${point.endpoint}|${point.status}`;

/**
 * The requests of a run, in end order. k6 writes every sample of one request with the same time
 * and tags, so `http_req_duration` gives the start and `http_req_failed` the outcome.
 */
export function collectRequests(points: readonly ChaosPoint[]): ChaosRequest[] {
  const failedByKey = new Map<string, number[]>();
  for (const point of points) {
    if (point.metric !== 'http_req_failed') continue;
    const list = failedByKey.get(keyOf(point)) ?? [];
    list.push(point.value);
    failedByKey.set(keyOf(point), list);
  }
  const requests: ChaosRequest[] = [];
  for (const point of points) {
    if (point.metric !== 'http_req_duration') continue;
    const failed = failedByKey.get(keyOf(point))?.shift() ?? 0;
    requests.push({
      vu: point.vu,
      endpoint: point.endpoint,
      status: point.status,
      startMs: point.timeMs - point.value,
      endMs: point.timeMs,
      failed: failed !== 0,
    });
  }
  return requests.sort((a, b) => a.endMs - b.endMs);
}

/**
 * When each error of the run happened, epoch ms: a failed request at its start (the moment it
 * was sent), a failed check or a failed login/refresh attempt (`auth_errors`) when recorded.
 */
export function errorTimes(points: readonly ChaosPoint[]): number[] {
  const times = collectRequests(points)
    .filter((request) => request.failed)
    .map((request) => request.startMs);
  for (const point of points) {
    const failedCheck = point.metric === 'checks' && point.value === 0;
    const authError = point.metric === 'auth_errors' && point.value !== 0;
    if (failedCheck || authError) times.push(point.timeMs);
  }
  return times.sort((a, b) => a - b);
}

/** A span of time during which errors are expected (a fault plus its recovery allowance). */
export interface AllowedSpan {
  fromMs: number;
  toMs: number;
}

/** The errors outside every allowed span, as times. */
export function errorsOutside(times: readonly number[], spans: readonly AllowedSpan[]): number[] {
  return times.filter((time) => !spans.some((span) => time >= span.fromMs && time <= span.toMs));
}

/** How many samples of a counter each VU recorded (e.g. `auth_relogins`), by VU. */
export function countPerVu(points: readonly ChaosPoint[], metric: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const point of points) {
    if (point.metric !== metric || point.value === 0) continue;
    counts.set(point.vu, (counts.get(point.vu) ?? 0) + point.value);
  }
  return counts;
}

/** The largest value of a map, 0 when empty. */
export function largestCount(counts: ReadonlyMap<string, number>): number {
  let largest = 0;
  for (const count of counts.values()) largest = Math.max(largest, count);
  return largest;
}

/** How a VU's next request followed each 429 it got. */
export interface RetryAfterFollowUp {
  /** Next requests after a 429 (any endpoint, same VU). */
  followed: number;
  /** Of them, sent before the 429's Retry-After had passed. */
  early: number;
  /** min(next start − 429 end − Retry-After), ms; negative when early; null: none followed. */
  smallestMarginMs: number | null;
}

/**
 * For every 429 a VU got, the margin between its next request's start and the end of the wait
 * the server asked (`retryAfterMs`, the same for every 429 of the fault). The 429's end is the
 * earliest the client could have read the header, so the margin is the client's own.
 */
export function followRetryAfter(
  requests: readonly ChaosRequest[],
  retryAfterMs: number,
): RetryAfterFollowUp {
  const byVu = new Map<string, ChaosRequest[]>();
  for (const request of requests) {
    const list = byVu.get(request.vu) ?? [];
    list.push(request);
    byVu.set(request.vu, list);
  }
  let followed = 0;
  let early = 0;
  let smallestMarginMs: number | null = null;
  for (const list of byVu.values()) {
    const ordered = [...list].sort((a, b) => a.startMs - b.startMs);
    ordered.forEach((request, index) => {
      const next = ordered[index + 1];
      if (request.status !== '429' || next === undefined) return;
      const marginMs = next.startMs - request.endMs - retryAfterMs;
      followed += 1;
      if (marginMs < 0) early += 1;
      smallestMarginMs =
        smallestMarginMs === null ? marginMs : Math.min(smallestMarginMs, marginMs);
    });
  }
  return { followed, early, smallestMarginMs };
}

/** VUs with a successful request to `endpoint` that started after `afterMs`. */
export function vusServedAfter(
  requests: readonly ChaosRequest[],
  endpoint: string,
  afterMs: number,
): Set<string> {
  const vus = new Set<string>();
  for (const request of requests) {
    if (request.endpoint === endpoint && !request.failed && request.startMs > afterMs) {
      vus.add(request.vu);
    }
  }
  return vus;
}

/** The `p`-th percentile (0..100, nearest rank) of `values`; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
