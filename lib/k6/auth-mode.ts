/**
 * The auth mode this run uses (`profile.mode`): its plug-in, and the runtime tools its login walk
 * needs. The password modes (session, token, dual) are bundled into the scenario: a `require` at
 * init gives each VU a module loader and record of its own, which weighs more than their code
 * (bench/RESULTS.md's notes, fix 5).
 * The identity-provider modes carry much more (a login walk through HTML pages, discovery, PKCE),
 * so they come from dist/identity-provider.js, required only in a run of those modes.
 */
import { b64decode } from 'k6/encoding';
import { plugin as dual } from '../core/auth/modes/dual.ts';
import type { AuthModePlugin, WalkTools } from '../core/auth/modes/mode-plugin.ts';
import { plugin as session } from '../core/auth/modes/session.ts';
import { plugin as token } from '../core/auth/modes/token.ts';
import type { TargetProfile } from '../core/auth/profile.ts';
import { profile } from './config.ts';
import type * as IdentityProviderModule from './identity-provider.ts';
import { loadApart } from './vu-zero.ts';

export interface ModeRuntime {
  plugin: AuthModePlugin;
  tools: WalkTools;
  /** Fills the provider's endpoints from its discovery document; identity-provider modes only. */
  discover?: (profile: TargetProfile) => TargetProfile;
}

function load(): ModeRuntime {
  const { mode } = profile;
  if (mode === 'authorization-code' || mode === 'client-credentials') {
    const idp = loadApart<typeof IdentityProviderModule>('identity-provider.js', () =>
      require('./identity-provider.ts'),
    );
    return { plugin: idp.PLUGINS[mode], tools: idp.WALK_TOOLS, discover: idp.discoverOrAbort };
  }
  const unavailable = (): never => {
    throw new Error(
      `Cannot make PKCE values; reason: expected an identity-provider mode, got ${mode}`,
    );
  };
  return {
    plugin: { session, token, dual }[mode],
    // A password login uses no randomness; decoding reads a JWT access token's expiry.
    tools: {
      randomUrlSafe: unavailable,
      sha256Url: unavailable,
      decode: (part) => b64decode(part, 'rawurl', 's'),
    },
  };
}

export const authMode: ModeRuntime = load();
