/** Human wording for token refusal reasons, used in error messages (never the token itself). */
import type { TokenFailure, TokenType } from './jwt.ts';

/** A refusal reason: the JWT checks' own, plus the family's state. */
export type TokenRefusal = TokenFailure | 'revoked' | 'reused';

/** "an expired token", "a refresh token"…: what the `got` part of a message says. */
export function describeRefusal(reason: TokenRefusal, expected: TokenType): string {
  switch (reason) {
    case 'malformed':
      return 'a malformed token';
    case 'alg_none':
      return 'an unsigned token (alg "none")';
    case 'unsupported_alg':
      return 'a token with another algorithm than HS256';
    case 'invalid_signature':
      return 'a token whose signature does not verify';
    case 'expired':
      return 'an expired token';
    case 'not_yet_valid':
      return 'a token not valid yet';
    case 'wrong_type':
      return expected === 'access' ? 'a refresh token' : 'an access token';
    case 'revoked':
      return 'a token of a revoked, logged-out or forgotten login';
    case 'reused':
      return 'a refresh token that was already used (its whole family is now revoked)';
  }
}
