/**
 * `/_admin/*`: stats and run-time faults for tests. Answers only peers on loopback, and only with
 * `Authorization: Bearer <ADMIN_TOKEN>` when ADMIN_TOKEN is set.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ToolkitError } from '../../lib/core/errors.ts';
import { readParsedBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { bearerTokenOf } from '../credentials.ts';
import { parseFaultPatch } from '../faults.ts';
import { isLoopbackAddress } from '../loopback.ts';
import { bearerChallenge, HttpError, sendJson } from '../respond.ts';

/** What the admin routes need beyond the shared context. */
export interface AdminActions {
  snapshotStats(): unknown;
  forgetAll(): void;
}

export async function handleAdmin(
  ctx: AppContext,
  actions: AdminActions,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  authorizeAdmin(ctx, req);
  const route = `${req.method} ${path}`;
  switch (route) {
    case 'GET /_admin/stats':
      sendJson(res, 200, actions.snapshotStats());
      return;
    case 'POST /_admin/stats/reset':
      ctx.stats.reset();
      sendJson(res, 200, actions.snapshotStats());
      return;
    case 'GET /_admin/faults':
      sendJson(res, 200, ctx.faults.view());
      return;
    case 'POST /_admin/faults':
      await applyFaults(ctx, actions, req);
      sendJson(res, 200, ctx.faults.view());
      return;
    case 'DELETE /_admin/faults':
      ctx.faults.clear();
      ctx.log.info('faults cleared');
      sendJson(res, 200, ctx.faults.view());
      return;
  }
  const known = ['/_admin/stats', '/_admin/stats/reset', '/_admin/faults'];
  if (!known.includes(path)) {
    throw new HttpError(
      404,
      'not_found',
      `no such admin route; reason: expected one of ${known.join(', ')}, got another path`,
    );
  }
  const allow =
    path === '/_admin/stats' ? 'GET' : path === '/_admin/faults' ? 'GET, POST, DELETE' : 'POST';
  throw new HttpError(
    405,
    'method_not_allowed',
    `method not allowed; reason: expected ${allow}, got ${String(req.method).slice(0, 10)}`,
    { headers: { allow } },
  );
}

function authorizeAdmin(ctx: AppContext, req: IncomingMessage): void {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    throw new HttpError(
      403,
      'forbidden',
      'admin routes refused; reason: expected a loopback peer, got another address',
    );
  }
  const adminToken = ctx.config.adminToken;
  if (adminToken === null) return;
  const bearer = bearerTokenOf(req);
  // Hashing first gives timingSafeEqual equal lengths and hides the token's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  if (bearer.kind !== 'bearer' || !timingSafeEqual(digest(bearer.token), digest(adminToken))) {
    throw new HttpError(
      401,
      'admin_unauthorized',
      'admin routes refused; reason: expected Authorization: Bearer <ADMIN_TOKEN>, got another or none',
      { headers: { 'www-authenticate': bearerChallenge() } },
    );
  }
}

async function applyFaults(
  ctx: AppContext,
  actions: AdminActions,
  req: IncomingMessage,
): Promise<void> {
  const body = await readParsedBody(req);
  if (body.kind !== 'json') {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `fault body refused; reason: expected a JSON body, got ${body.kind === 'none' ? 'none' : 'a form'}`,
    );
  }
  try {
    const patch = parseFaultPatch(body.value);
    ctx.faults.apply(patch);
    if (patch.forgetAll === true) actions.forgetAll();
    for (const username of patch.revokeAccounts ?? []) {
      const revoked = ctx.families.revokeAccount(username);
      ctx.log.info('refresh families revoked', { user: username, families: revoked });
    }
    ctx.log.info('faults changed', { faults: JSON.stringify(ctx.faults.view()) });
  } catch (error) {
    // The HTTP API's own error value (snake_case like `invalid_request`), not the toolkit code.
    if (error instanceof ToolkitError) throw new HttpError(400, 'invalid_faults', error.message);
    throw error;
  }
}
