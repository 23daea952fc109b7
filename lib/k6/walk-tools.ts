/** What a login walk needs from the runtime (lib/core's `WalkTools`), from k6's own modules. */
import { randomBytes, sha256 } from 'k6/crypto';
import { b64decode, b64encode } from 'k6/encoding';
import type { WalkTools } from '../core/auth/modes/mode-plugin.ts';

export const WALK_TOOLS: WalkTools = {
  randomUrlSafe: (bytes) => b64encode(randomBytes(bytes), 'rawurl'),
  sha256Url: (text) => sha256(text, 'base64rawurl'),
  decode: (part) => b64decode(part, 'rawurl', 's'),
};
