/** Canned `ResponseView`s for the mode plug-in tests. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type {
  LoginRequestStep,
  LoginStep,
  WalkTools,
} from '../../lib/core/auth/modes/mode-plugin.ts';
import type { ResponseView } from '../../lib/core/http-types.ts';

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

export function respond(fields: Partial<ResponseView> = {}): ResponseView {
  return { status: 200, headers: {}, body: '', setCookies: {}, receivedAtMs: NOW, ...fields };
}

export const user1 = { username: 'user1', password: 'pass1' };

/**
 * The runtime tools a login walk gets, with Node's SHA-256 and base64url and a deterministic
 * "random" source: the n-th call gives n repeated bytes, so a test can predict `state` and PKCE.
 */
export function walkTools(): WalkTools {
  let calls = 0;
  return {
    randomUrlSafe: (bytes) => {
      calls += 1;
      return Buffer.alloc(bytes, calls).toString('base64url');
    },
    sha256Url: (text) => createHash('sha256').update(text, 'utf8').digest('base64url'),
    decode: (part) => Buffer.from(part, 'base64url').toString('utf8'),
  };
}

/** The step, which must be a request (a mode's `startLogin` may also fail without sending). */
export function requestStep(step: LoginStep): LoginRequestStep {
  assert.equal(step.kind, 'send', `expected a request, got ${JSON.stringify(step)}`);
  return step as LoginRequestStep;
}
