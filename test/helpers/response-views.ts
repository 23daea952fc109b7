/** Canned `ResponseView`s for the mode plug-in tests. */
import type { ResponseView } from '../../lib/core/http-types.ts';

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

export function respond(fields: Partial<ResponseView> = {}): ResponseView {
  return { status: 200, headers: {}, body: '', setCookies: {}, receivedAtMs: NOW, ...fields };
}

export const user1 = { username: 'user1', password: 'pass1' };
