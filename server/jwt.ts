/**
 * HS256 JSON Web Tokens (RFC 7519) on node:crypto: the reference server signs and verifies only its
 * own tokens, so one algorithm, one key and a strict parser are all it needs. Measured faster than
 * `jose` and `fast-jwt` for this job (see server/README.md, "Why node:crypto and node:http").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** `typ` claim: an access token is never accepted where a refresh token is expected, or back. */
export type TokenType = 'access' | 'refresh';

/** The claims the server puts in every token. Times are NumericDate seconds (RFC 7519 §2). */
export interface TokenClaims {
  /** Subject: the username (RFC 7519 §4.1.2). */
  sub: string;
  /** Issued at: whole seconds, rounded down (RFC 7519 §4.1.6). */
  iat: number;
  /** Not before: equals `iat` (RFC 7519 §4.1.5). */
  nbf: number;
  /**
   * Expiry: whole seconds, rounded up, so a token lives at least its TTL and less than a second
   * more (RFC 7519 §4.1.4); checked with millisecond precision.
   */
  exp: number;
  /** Unique token id (RFC 7519 §4.1.7). */
  jti: string;
  typ: TokenType;
  /** Refresh family id: shared by every token of one login, revoked as a whole. */
  fid: string;
}

/** Why a token was refused; the values are stable (stats keys, JSON `reason`). */
export type TokenFailure =
  | 'malformed'
  | 'alg_none'
  | 'unsupported_alg'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_type';

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenFailure };

/** The only header the server issues; comparing against it first skips a JSON.parse per request. */
const HEADER_SEGMENT = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString(
  'base64url',
);
/** Unpadded base64url (RFC 7515 §2): Buffer.from(…, 'base64url') silently skips other characters. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Far above any token this server issues; bounds the work spent on garbage. */
const MAX_TOKEN_LENGTH = 4096;
const SIGNATURE_BYTES = 32;

/** Signs `claims` as a compact JWS with HS256 (RFC 7515 §7.1, RFC 7518 §3.2). */
export function signToken(claims: TokenClaims, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signingInput = `${HEADER_SEGMENT}.${payload}`;
  const signature = createHmac('sha256', key).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/**
 * Verifies a compact JWS signed by {@link signToken}: exactly three base64url parts, header
 * `alg: HS256` (`none` and every other algorithm refused, RFC 8725 §3.1), a constant-time
 * signature check, then `typ`, `exp` and `nbf` against `nowMs` (RFC 7519 §4.1.4, §4.1.5).
 */
export function verifyToken(
  token: string,
  key: Buffer,
  expectedType: TokenType,
  nowMs: number,
): VerifyResult {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot < 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
    return { ok: false, reason: 'malformed' };
  }
  const headerPart = token.slice(0, firstDot);
  const payloadPart = token.slice(firstDot + 1, secondDot);
  const signaturePart = token.slice(secondDot + 1);
  if (headerPart !== HEADER_SEGMENT) {
    const headerFailure = classifyHeader(headerPart);
    if (headerFailure !== null) return { ok: false, reason: headerFailure };
  }
  if (!isBase64url(payloadPart) || !isBase64url(signaturePart)) {
    return { ok: false, reason: 'malformed' };
  }
  // One signature has exactly one canonical spelling: variants with stray low bits are forgeries.
  if (!hasCanonicalTail(signaturePart)) return { ok: false, reason: 'invalid_signature' };
  if (!hasCanonicalTail(payloadPart)) return { ok: false, reason: 'malformed' };
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.length !== SIGNATURE_BYTES) return { ok: false, reason: 'invalid_signature' };
  const expected = createHmac('sha256', key).update(token.slice(0, secondDot)).digest();
  if (!timingSafeEqual(signature, expected)) return { ok: false, reason: 'invalid_signature' };

  const claims = parseClaims(payloadPart);
  if (claims === null) return { ok: false, reason: 'malformed' };
  if (claims.typ !== expectedType) return { ok: false, reason: 'wrong_type' };
  if (nowMs >= claims.exp * 1000) return { ok: false, reason: 'expired' };
  if (nowMs < claims.nbf * 1000) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, claims };
}

function isBase64url(part: string): boolean {
  // A length of 1 mod 4 cannot come from any byte string.
  return part.length % 4 !== 1 && BASE64URL.test(part);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True when the unused low bits of the last character are zero (RFC 4648 §3.5): Buffer decodes
 * `…Q`, `…R`, `…S` and `…T` to the same bytes, so without this check one token has four spellings.
 * Expects a part that passed {@link isBase64url}.
 */
function hasCanonicalTail(part: string): boolean {
  const rest = part.length % 4;
  if (rest === 0) return true;
  const value = ALPHABET.indexOf(part.charAt(part.length - 1));
  // 2 characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
  return (value & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Null when the header is an acceptable HS256 header written differently from ours. */
function classifyHeader(headerPart: string): TokenFailure | null {
  if (headerPart.length === 0 || !isBase64url(headerPart) || !hasCanonicalTail(headerPart)) {
    return 'malformed';
  }
  const header = parseJsonObject(headerPart);
  if (header === null) return 'malformed';
  const alg = header.alg;
  if (typeof alg !== 'string') return 'malformed';
  if (alg.toLowerCase() === 'none') return 'alg_none';
  if (alg !== 'HS256') return 'unsupported_alg';
  // RFC 7515 §4.1.11: an unknown critical extension must be refused; this server knows none.
  if (Object.hasOwn(header, 'crit')) return 'unsupported_alg';
  if (Object.hasOwn(header, 'typ') && header.typ !== 'JWT') return 'malformed';
  return null;
}

function parseClaims(payloadPart: string): TokenClaims | null {
  const payload = parseJsonObject(payloadPart);
  if (payload === null) return null;
  const { sub, iat, nbf, exp, jti, typ, fid } = payload;
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof fid !== 'string') return null;
  if (!isFiniteNumber(iat) || !isFiniteNumber(nbf) || !isFiniteNumber(exp)) return null;
  if (typ !== 'access' && typ !== 'refresh') return null;
  return { sub, iat, nbf, exp, jti, typ, fid };
}

function parseJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return value as Record<string, unknown>;
  } catch {
    return null;
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
