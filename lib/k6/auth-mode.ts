/**
 * The auth mode plug-in this run uses (`profile.mode`). All are bundled into the scenario:
 * loading only the one a VU runs, with k6's `require` at init, was measured to cost each VU about
 * 40 KiB more than carrying all of them (a `require` of even a one-line module costs that much per
 * VU in k6 v2.2.0; bench/RESULTS.md's notes), more than the modes' own code.
 */
import { plugin as authorizationCode } from '../core/auth/modes/authorization-code.ts';
import { plugin as clientCredentials } from '../core/auth/modes/client-credentials.ts';
import { plugin as dual } from '../core/auth/modes/dual.ts';
import type { AuthModePlugin } from '../core/auth/modes/mode-plugin.ts';
import { plugin as session } from '../core/auth/modes/session.ts';
import { plugin as token } from '../core/auth/modes/token.ts';
import { profile } from './config.ts';

const PLUGINS: Readonly<Record<AuthModePlugin['mode'], AuthModePlugin>> = {
  session,
  token,
  dual,
  'authorization-code': authorizationCode,
  'client-credentials': clientCredentials,
};

export const authMode: AuthModePlugin = PLUGINS[profile.mode];
