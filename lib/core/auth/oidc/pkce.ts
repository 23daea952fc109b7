/**
 * Proof Key for Code Exchange (RFC 7636) with S256, the only method OAuth 2.1 and RFC 9700 §2.1.1
 * accept: a fresh verifier per authorization request, and its challenge
 * `BASE64URL(SHA256(ASCII(code_verifier)))` (§4.2).
 */
import type { WalkTools } from '../modes/mode-plugin.ts';

export interface Pkce {
  /** 43 characters of the unreserved set (§4.1): 32 random bytes, base64url. Secret. */
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** 32 random bytes: the 256 bits of entropy §7.1 recommends. */
const VERIFIER_BYTES = 32;

export function createPkce(tools: Pick<WalkTools, 'randomUrlSafe' | 'sha256Url'>): Pkce {
  const verifier = tools.randomUrlSafe(VERIFIER_BYTES);
  return { verifier, challenge: tools.sha256Url(verifier), method: 'S256' };
}
