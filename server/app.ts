/**
 * The reference API as a request handler with its state, and no listening (fastify's testing
 * split): tests drive it on port 0 with an injected clock; main.ts serves it.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CONFIG, type ServerConfig } from './config.ts';
import type { AppContext } from './context.ts';
import { Faults } from './faults.ts';
import { createLogger, type Logger } from './log.ts';
import { HttpError, sendError, sendJson } from './respond.ts';
import { RetryAfterWatch } from './retry-after-watch.ts';
import { handleAdmin } from './routes/admin.ts';
import { handleLogin } from './routes/login.ts';
import { handleLogout } from './routes/logout.ts';
import { handleProtected } from './routes/protected.ts';
import { handleRefresh } from './routes/refresh.ts';
import { createSessionStore } from './sessions.ts';
import { type CountedEndpoint, Stats, type StatsSnapshot } from './stats.ts';
import { createFamilyStore } from './token-families.ts';
import { createUserStore } from './users.ts';

export interface AppOptions extends Partial<ServerConfig> {
  /** The clock, epoch ms; tests pass a controllable one. Defaults to Date.now. */
  now?: () => number;
  /** Defaults to JSON lines on stderr at `logLevel`. */
  logger?: Logger;
}

export interface App {
  /** The `http.createServer` request listener. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * The server's `clientError` listener: bad HTTP gets a JSON 400/431, never a crash, after the
   * answers to the requests already read on that connection (pipelining).
   */
  handleClientError: (error: Error & { code?: string }, socket: Duplex) => void;
  /** The server's `checkExpectation` listener: an `Expect` other than 100-continue gets a JSON 417. */
  handleExpectation: (req: IncomingMessage, res: ServerResponse) => void;
  config: ServerConfig;
  /** The same JSON as `GET /_admin/stats`. */
  stats(): StatsSnapshot;
  faults: Faults;
  /** Drops every session and refresh family, as a restart would. */
  forgetAll(): void;
}

interface Route {
  method: string;
  endpoint: CountedEndpoint | null;
  run: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** Builds the reference API. Options override `DEFAULT_CONFIG` (see config.ts for each). */
export function createApp(options: AppOptions = {}): App {
  const { now = Date.now, logger, ...overrides } = options;
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...overrides };
  const log = logger ?? createLogger(config.logLevel);
  const faults = new Faults(now);
  const stats = new Stats(now);
  const retryAfterWatch = new RetryAfterWatch(now);
  const ctx: AppContext = {
    config,
    key: config.jwtSecret === null ? randomBytes(32) : Buffer.from(config.jwtSecret, 'utf8'),
    users: createUserStore(config.users, config.scryptCost),
    sessions: createSessionStore(config.sessionIdleTtlSeconds, config.sessionMaxTtlSeconds),
    families: createFamilyStore(),
    stats,
    faults,
    log,
    authNow: () => now() + faults.clockOffsetSeconds * 1000,
  };

  const snapshotStats = (): StatsSnapshot => {
    const nowMs = ctx.authNow();
    return stats.snapshot({
      activeSessions: ctx.sessions.count(nowMs),
      activeRefreshFamilies: ctx.families.count(nowMs),
    });
  };
  const forgetAll = () => {
    ctx.sessions.clear();
    ctx.families.clear();
    log.info('all sessions and refresh families forgotten');
  };

  const routes = new Map<string, Route>([
    ['/login', { method: 'POST', endpoint: 'login', run: (q, s) => handleLogin(ctx, q, s) }],
    ['/refresh', { method: 'POST', endpoint: 'refresh', run: (q, s) => handleRefresh(ctx, q, s) }],
    [
      '/protected',
      { method: 'GET', endpoint: 'protected', run: (q, s) => handleProtected(ctx, q, s) },
    ],
    ['/logout', { method: 'POST', endpoint: 'logout', run: (q, s) => handleLogout(ctx, q, s) }],
    [
      '/health',
      { method: 'GET', endpoint: null, run: (_q, s) => sendJson(s, 200, { status: 'ok' }) },
    ],
  ]);

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path.startsWith('/_admin/')) {
      await handleAdmin(ctx, { snapshotStats, forgetAll }, path, req, res);
      return;
    }
    const route = routes.get(path);
    if (route === undefined) {
      throw new HttpError(
        404,
        'not_found',
        'no such route; reason: expected /login, /refresh, /protected, /logout or /health, got another path',
      );
    }
    if (req.method !== route.method) {
      throw new HttpError(
        405,
        'method_not_allowed',
        `method not allowed; reason: expected ${route.method}, got ${String(req.method).slice(0, 10)}`,
        { headers: { allow: route.method } },
      );
    }
    if (route.endpoint !== null) {
      stats.requests[route.endpoint] += 1;
      const marginMs = retryAfterWatch.arrived(req.socket);
      if (marginMs !== undefined) stats.recordRetryAfterFollowed(marginMs);
      if (await applyFaults(route.endpoint, req, res)) return;
    }
    await route.run(req, res);
  };

  /** True when a fault answered the request. */
  const applyFaults = async (
    endpoint: CountedEndpoint,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> => {
    const decision = faults.decide(endpoint);
    if (decision.kind === 'rate_limited') {
      stats.faultsInjected.rateLimited += 1;
      stats.retryAfter.answered += 1;
      retryAfterWatch.told(req.socket, decision.retryAfterSeconds);
      sendError(
        res,
        new HttpError(
          429,
          'rate_limited',
          `too many requests; reason: expected a lower rate on ${endpoint}, got more (injected fault)`,
          {
            headers: { 'retry-after': String(decision.retryAfterSeconds) },
          },
        ),
      );
      return true;
    }
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.kind === 'fail') {
      stats.faultsInjected.failures += 1;
      sendError(
        res,
        new HttpError(
          decision.status,
          'injected_failure',
          `${endpoint} failed; reason: expected no fault, got an injected ${decision.status}`,
        ),
      );
      return true;
    }
    return false;
  };

  /**
   * Requests still being answered per connection, so a parse error's 400 can wait for the answers
   * to the requests read whole before the bad bytes (pipelining). A request whose body the bad
   * bytes cut short never completes: nothing waits for it. Kept on the socket with one shared
   * listener per answer: this runs on every request, and per-request closures cost the hot path
   * about a fifth of its throughput (bench part 3).
   */
  const trackAnswer = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket as TrackedSocket;
    let entry = socket[PENDING_ANSWERS];
    if (entry === undefined) {
      entry = { pending: new Set(), drained: [] };
      socket[PENDING_ANSWERS] = entry;
    }
    entry.pending.add(req);
    // 'close' follows every answer, finished or cut off (Node >= 16), once.
    res.on('close', settleAnswer);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const startedAtMs = performance.now();
    trackAnswer(req, res);
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    // Only the path is ever logged: a query string may carry a token.
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400 (Node's own has no JSON body).
    const answer =
      req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1
        ? Promise.reject(
            new HttpError(
              400,
              'bad_request',
              'request refused; reason: expected a Host header (RFC 9112 §3.2), got none',
              { headers: { connection: 'close' } },
            ),
          )
        : serve(req, res, path);
    answer
      .catch((error: unknown) => {
        // The client went away: nobody is left to answer.
        if (res.headersSent || res.destroyed) return;
        if (error instanceof HttpError) {
          sendError(res, error);
          return;
        }
        // Logged by class and code only: an error's message might quote request data.
        log.error('request failed', { path: path.slice(0, 100), error: describeError(error) });
        sendError(
          res,
          new HttpError(
            500,
            'internal_error',
            'request failed; reason: expected none, got an internal error',
          ),
        );
      })
      .finally(() => {
        if (!path.startsWith('/_admin/')) stats.recordStatus(res.statusCode);
        log.debug('request', {
          method: String(req.method).slice(0, 10),
          path: path.slice(0, 100),
          status: res.statusCode,
          ms: Math.round((performance.now() - startedAtMs) * 10) / 10,
        });
      });
  };

  const refusedSockets = new WeakSet<Duplex>();
  const handleClientError = (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // One refusal per connection, whatever else the parser still finds in the bytes after it.
    if (refusedSockets.has(socket)) return;
    refusedSockets.add(socket);
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
    const body = JSON.stringify({
      error:
        status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'bad_request',
      message: `request refused; reason: expected well-formed HTTP/1.1, got ${error.code ?? 'a parse error'}`,
    });
    const refuse = () => {
      if (!socket.writable) return;
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    // Requests read before the bad bytes are still being answered: the 400 goes after them.
    const entry = (socket as TrackedSocket)[PENDING_ANSWERS];
    if (entry !== undefined && awaitsCompleteAnswer(entry.pending)) entry.drained.push(refuse);
    else refuse();
  };

  const handleExpectation = (req: IncomingMessage, res: ServerResponse): void => {
    trackAnswer(req, res);
    log.debug('request', { method: String(req.method).slice(0, 10), status: 417 });
    // Closes: the body the client may send anyway would be read as the next request.
    sendError(
      res,
      new HttpError(
        417,
        'expectation_failed',
        'request refused; reason: expected no Expect header or 100-continue, got another expectation',
        { headers: { connection: 'close' } },
      ),
    );
  };

  return {
    handler,
    handleClientError,
    handleExpectation,
    config,
    stats: snapshotStats,
    faults,
    forgetAll,
  };
}

const PENDING_ANSWERS = Symbol('answers pending');

interface PendingAnswers {
  pending: Set<IncomingMessage>;
  /** Refusals waiting for the answers before them. */
  drained: Array<() => void>;
}

type TrackedSocket = Duplex & { [PENDING_ANSWERS]?: PendingAnswers };

function awaitsCompleteAnswer(pending: Set<IncomingMessage>): boolean {
  for (const req of pending) if (req.complete) return true;
  return false;
}

/** A `close` listener of a ServerResponse: its request is answered (or will never be). */
function settleAnswer(this: ServerResponse): void {
  const req = this.req;
  const entry = (req.socket as TrackedSocket)[PENDING_ANSWERS];
  if (entry === undefined || !entry.pending.delete(req)) return;
  if (entry.drained.length > 0 && !awaitsCompleteAnswer(entry.pending)) {
    for (const resume of entry.drained.splice(0)) resume();
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}
