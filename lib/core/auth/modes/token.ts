/**
 * Token mode: dual mode without refreshing. A JSON login answers a bearer token (RFC 6750), sent
 * on every request; renewal before expiry, or after a rejection, is a new login.
 */
import { plugin as dual } from './dual.ts';
import type { AuthModePlugin } from './mode-plugin.ts';

const { buildRenewal: _refresh, readRenewal: _readRefresh, ...withoutRefresh } = dual;

export const plugin: AuthModePlugin = {
  ...withoutRefresh,
  mode: 'token',
  policy: { renewBy: 'login', freshJarPerLogin: false },
};
