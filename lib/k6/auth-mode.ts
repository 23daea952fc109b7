/**
 * The auth mode plug-in this run uses (`profile.mode`). k6 instantiates every function of every
 * loaded module in every VU (about 0.6 KiB each, bench/RESULTS.md), so each mode is bundled apart
 * into `dist/modes/<mode>.js` (lib/core/auth/modes/, built by build.mjs) and a VU loads only the
 * one it runs, with k6's `require`, at init: the only time `require` works.
 *
 * VU 0 loads all three. k6 serves the later VUs' loads from the files the first init read, and
 * `k6 archive` packs exactly those: an archive then runs with any `-e AUTH_MODE`.
 */
import type { AuthModePlugin } from '../core/auth/modes/mode-plugin.ts';
import type { AuthMode } from '../core/auth/profile.ts';
import { profile } from './config.ts';

type ModeModule = { plugin: AuthModePlugin };

/** One string literal per file: build.mjs keeps each of these `require`s out of the bundle. */
function loadMode(mode: AuthMode): AuthModePlugin {
  if (mode === 'session') return (require('./modes/session.js') as ModeModule).plugin;
  if (mode === 'token') return (require('./modes/token.js') as ModeModule).plugin;
  return (require('./modes/dual.js') as ModeModule).plugin;
}

if (__VU === 0) {
  for (const mode of ['session', 'token', 'dual'] as const) loadMode(mode);
}

export const authMode: AuthModePlugin = loadMode(profile.mode);
