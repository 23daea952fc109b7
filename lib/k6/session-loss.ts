/**
 * A mass session loss on the reference server, for login-storm's `-e SESSION_LOSS_AT`: one call
 * to `POST /_admin/faults {"forgetAll": true}`, which drops every session and refresh family as a
 * restart would, so every VU must log in again at once. Only ever sent when a user asked for it
 * with `-e`: a user's own API has no such endpoint and must never get the request.
 */
import { check } from 'k6';
import http from 'k6/http';
import { readEnvValue } from '../core/env-values.ts';
import { profile } from './config.ts';

/** The k6 `exec` function of login-storm's session-loss scenario. */
export function loseAllSessions(): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  // The reference server's optional admin token (its ADMIN_TOKEN), never printed.
  const adminToken = readEnvValue(__ENV, 'ADMIN_TOKEN');
  if (adminToken !== undefined) headers.Authorization = `Bearer ${adminToken}`;
  const res = http.post(`${profile.baseUrl}/_admin/faults`, JSON.stringify({ forgetAll: true }), {
    headers,
    tags: { endpoint: 'admin', auth: profile.mode, name: 'reference-admin-faults' },
  });
  check(res, { 'reference server forgot every session': (r) => r.status === 200 });
}
