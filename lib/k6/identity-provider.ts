/**
 * dist/identity-provider.js: the identity-provider modes (authorization-code, client-credentials)
 * with what only they use, their login walk, forms, URLs, PKCE, k6/crypto and OIDC discovery.
 * build.mjs bundles this file apart and lib/k6/auth-mode.ts requires it at init only in a run of
 * those modes, so a VU of another mode never instantiates its functions (each costs every VU
 * memory for the whole test; bench/RESULTS.md).
 */
import { plugin as authorizationCode } from '../core/auth/modes/authorization-code.ts';
import { plugin as clientCredentials } from '../core/auth/modes/client-credentials.ts';
import type { AuthModePlugin } from '../core/auth/modes/mode-plugin.ts';

export { discoverOrAbort } from './discovery.ts';
export { WALK_TOOLS } from './walk-tools.ts';

export const PLUGINS: Readonly<
  Record<'authorization-code' | 'client-credentials', AuthModePlugin>
> = { 'authorization-code': authorizationCode, 'client-credentials': clientCredentials };
