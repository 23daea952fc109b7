/**
 * Sends `RequestSpec`s with k6/http and turns k6 responses into `ResponseView`s: the only place
 * where the toolkit's plain-data requests meet k6. No decisions here.
 */
import http, {
  type BatchRequests,
  type CookieJar,
  type Params,
  type RefinedResponse,
  type ResponseCookie,
  type ResponseType,
} from 'k6/http';
import type { AuthMode } from '../core/auth/profile.ts';
import type { CookieLifetime, RequestSpec, ResponseView } from '../core/http-types.ts';

export type K6Response = RefinedResponse<ResponseType | undefined>;

/** What `http.expectedStatuses` returns (@types/k6 does not export the type's name). */
export type ExpectedStatusesCallback = ReturnType<typeof http.expectedStatuses>;

export interface SendOptions {
  mode: AuthMode;
  jar: CookieJar;
  timeoutSeconds: number;
  /** Statuses that are not `http_req_failed`: a 401 the client will recover from is one. */
  expected: ExpectedStatusesCallback;
  /** The `name` tag; defaults to the URL without its query (stable, low cardinality). */
  name?: string;
}

/** k6's arguments for one request. */
export function toK6Params(spec: RequestSpec, options: SendOptions): Params {
  const params: Params = {
    headers: spec.headers,
    jar: options.jar,
    timeout: `${options.timeoutSeconds}s`,
    responseCallback: options.expected,
    tags: {
      endpoint: spec.endpoint,
      auth: options.mode,
      name: options.name ?? stripQuery(spec.url),
    },
  };
  // k6 follows up to 10 redirects by default; a form login's 302 must be seen, not followed.
  if (spec.followRedirects !== true) params.redirects = 0;
  return params;
}

/** k6's arguments for one request, built once to be sent many times. */
export interface PreparedRequest {
  method: string;
  url: string;
  body: string | null;
  params: Params;
}

/** Builds k6's arguments once, for a request sent again and again with the same credentials. */
export function prepare(spec: RequestSpec, options: SendOptions): PreparedRequest {
  return {
    method: spec.method,
    url: spec.url,
    body: spec.body ?? null,
    params: toK6Params(spec, options),
  };
}

/** Sends prepared arguments (k6 only reads them, so one object serves every request). */
export function sendPrepared(req: PreparedRequest): K6Response {
  return http.request(req.method, req.url, req.body, req.params);
}

/** Sends one request and waits (k6 blocks the VU, not the process). */
export function send(spec: RequestSpec, options: SendOptions): K6Response {
  return http.request(spec.method, spec.url, spec.body ?? null, toK6Params(spec, options));
}

/** Sends one request on the VU's event loop. */
export function sendAsync(spec: RequestSpec, options: SendOptions): Promise<K6Response> {
  return http.asyncRequest(spec.method, spec.url, spec.body ?? null, toK6Params(spec, options));
}

/** Sends requests in parallel with `http.batch`; responses in the same order. */
export function sendBatch(
  requests: readonly { spec: RequestSpec; options: SendOptions }[],
): K6Response[] {
  const batch: BatchRequests = requests.map(({ spec, options }) => ({
    method: spec.method,
    url: spec.url,
    body: spec.body ?? null,
    params: toK6Params(spec, options),
  }));
  return http.batch(batch) as K6Response[];
}

/** The plain-data view lib/core reads: lower-case header names, cookies set by this response. */
export function toResponseView(res: K6Response, receivedAtMs: number): ResponseView {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = value;
  const setCookies: Record<string, string> = {};
  const cookieLifetimes: Record<string, CookieLifetime> = {};
  for (const [name, cookies] of Object.entries(res.cookies)) {
    const first = cookies[0];
    if (first === undefined) continue;
    setCookies[name] = first.value;
    cookieLifetimes[name] = toCookieLifetime(first);
  }
  return {
    status: res.status,
    headers,
    body: typeof res.body === 'string' ? res.body : '',
    setCookies,
    cookieLifetimes,
    receivedAtMs,
  };
}

/**
 * Before 1800: k6 reports a missing (or unparseable) `Expires` as Go's zero time, whose
 * milliseconds overflow to -6795364578871 (1754); no real `Expires` is that old.
 */
const NO_EXPIRES_BEFORE_MS = Date.UTC(1800, 0, 1);

/**
 * A cookie's lifetime attributes as k6 parsed them (Go's net/http). k6 v2.2.0 names the field
 * `max_age` (@types/k6 says `maxAge`, which is undefined at run time); 0 there means no `Max-Age`
 * (or a malformed one), < 0 a `Max-Age` ≤ 0. `expires` is in epoch milliseconds.
 */
export function toCookieLifetime(cookie: ResponseCookie): CookieLifetime {
  const { max_age: maxAge, expires } = cookie as unknown as { max_age: number; expires: number };
  const lifetime: CookieLifetime = {};
  if (maxAge !== 0) lifetime.maxAgeSeconds = maxAge;
  if (expires >= NO_EXPIRES_BEFORE_MS) lifetime.expiresAtMs = expires;
  return lifetime;
}

/**
 * The URL without its query and fragment. No regular expression on a VU's every-request path:
 * the first one a VU runs makes k6 build that VU's RegExp prototype, kept for the whole test
 * (bench/RESULTS.md's notes, fix 9).
 */
function stripQuery(url: string): string {
  for (let i = 0; i < url.length; i += 1) {
    if (url[i] === '?' || url[i] === '#') return url.slice(0, i);
  }
  return url;
}
