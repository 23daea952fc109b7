/**
 * The two loops of a renewal, pure but for what is passed in (oauth4webapi's split: the caller
 * owns the control flow, the mode builds and reads): `walkLogin` walks the mode plug-in's login
 * steps, each answer deciding the next, bounded; `runAttempts` runs one login or refresh, retried
 * as the engine decides (ky's retry: back-off or `Retry-After`, up to `retry.maxAttempts`), then
 * holds off. Sending, sleeping, the clock, the randomness, warnings and the `auth_errors` count
 * are `AttemptIo`'s: lib/k6/credential-keeper.ts gives k6's, tests give canned answers and a
 * frozen clock, so every branch runs in milliseconds.
 */
import type { HtmlPage, RequestSpec, ResponseView } from '../http-types.ts';
import {
  applyAttemptSuccess,
  decideAfterFailure,
  type FailedAttemptInput,
  holdOffWaitMs,
  type RetryState,
} from './engine.ts';
import type { AuthModePlugin, LoginStep, StepFailure, WalkTools } from './modes/mode-plugin.ts';
import type { Credentials, RetrySettings, TargetProfile } from './profile.ts';

/** What the loops need from the runtime. */
export interface AttemptIo {
  /** Sends a login-walk or refresh request and reads its answer (status 0: none came). */
  send(request: RequestSpec, what: 'login' | 'refresh'): ResponseView;
  /** The page's forms and meta tags, for a step that asks for them (`readPage`). */
  readPage(body: string, selectors: Readonly<Record<string, string>>): HtmlPage;
  sleep(seconds: number): void;
  now(): number;
  random(): number;
  /** A failed attempt in words; the runtime masks the VU's secrets before printing it. */
  warn(message: string): void;
  /** One attempt, counted in `auth_errors` as failed or not. */
  count(what: 'login' | 'refresh', failed: boolean): void;
}

type Success = Extract<LoginStep, { kind: 'done' }>;

/** An answer to a login or refresh request, read by the mode; `url`: where it was sent. */
export interface Answer {
  view: ResponseView;
  url: string;
  result: Success | StepFailure;
}

/**
 * How a login or refresh ended: done (with the answer), `refused` (a refresh the server refused,
 * RFC 6749 §5.2: only a new login helps), or `failed` (given up after retries, or refused login).
 */
export type AttemptOutcome =
  | (Success & { view: ResponseView })
  | { kind: 'refused' | 'failed'; status: number; url: string; reason?: string };

/**
 * One login attempt: the mode's steps, each answer deciding the next. A walk that keeps asking
 * for requests (a login page that redirects to itself) fails after the mode's `maxLoginRequests`
 * instead of looping.
 */
export function walkLogin(
  mode: AuthModePlugin,
  profile: TargetProfile,
  credentials: Credentials,
  tools: WalkTools,
  io: AttemptIo,
): Answer {
  const maxRequests = mode.maxLoginRequests(profile);
  const first = mode.startLogin(profile, credentials, tools);
  if (first.kind === 'failed') {
    // Nothing could be sent (an endpoint missing): no answer, as for a request that got none.
    const view = { status: 0, headers: {}, body: '', setCookies: {}, receivedAtMs: io.now() };
    return { view, url: '', result: first };
  }
  let step = first;
  for (let sent = 1; ; sent += 1) {
    const view = io.send(step.request, 'login');
    // A page, or an error page that may show the login form again (Dex answers 401 so).
    if (step.readPage !== undefined && (view.status < 300 || view.status > 399)) {
      view.page = io.readPage(view.body, step.readPage);
    }
    const url = step.request.url;
    const next = mode.continueLogin(profile, credentials, step.walk, view, tools);
    if (next.kind !== 'send') return { view, url, result: next };
    if (sent >= maxRequests) {
      const reason = `login walk too long; reason: expected at most ${maxRequests} requests, got one more for step "${next.walk.step}"`;
      return { view, url, result: { kind: 'failed', reason } };
    }
    step = next;
  }
}

/**
 * One login or refresh (`once`), retried on transient failures as `decideAfterFailure` says, after
 * the rest of any hold-off; then the VU holds off, so the next iteration does not hammer either.
 * Returns how it ended and the VU's retry state after it.
 */
export function runAttempts(
  what: 'login' | 'refresh',
  once: () => Answer,
  start: RetryState,
  settings: RetrySettings,
  io: AttemptIo,
): { outcome: AttemptOutcome; retry: RetryState } {
  let retry = start;
  for (let attempt = 1; ; attempt += 1) {
    const waitMs = holdOffWaitMs(retry, io.now());
    if (waitMs > 0) io.sleep(waitMs / 1000);
    const { view, url, result } = once();
    io.count(what, result.kind === 'failed');
    if (result.kind === 'done') {
      return { outcome: { ...result, view }, retry: applyAttemptSuccess(retry, what) };
    }
    if (result.reason !== undefined) io.warn(`${what} failed; ${result.reason}`);
    const failed: FailedAttemptInput = { what, status: view.status, attempt };
    const retryAfter = view.headers['retry-after'];
    if (retryAfter !== undefined) failed.retryAfter = retryAfter;
    const decision = decideAfterFailure(retry, failed, settings, io.now(), io.random);
    retry = decision.retry;
    if (decision.kind === 'retry') {
      io.sleep(decision.delayMs / 1000);
      continue;
    }
    if (decision.kind === 'refused-refresh') {
      return { outcome: { kind: 'refused', status: view.status, url }, retry };
    }
    if (result.reason === undefined) {
      const code = result.errorCode === undefined ? '' : ` (${result.errorCode})`;
      io.warn(`${what} failed; ${decision.reason}${code}`);
    }
    const failure = { kind: 'failed', status: view.status, url } as const;
    const outcome = result.reason === undefined ? failure : { ...failure, reason: result.reason };
    return { outcome, retry };
  }
}
