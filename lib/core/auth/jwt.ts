/**
 * Reads the time claims of a JWT's payload, without verifying it: the client only needs to know
 * when its own token expires, the server does the verifying. Nothing here returns or prints the
 * token: reasons name what is wrong, never what the token contains.
 */

/**
 * Decodes one unpadded base64url segment to a string (UTF-8). Injected so this file stays free
 * of k6 and Node: k6 passes `(s) => b64decode(s, 'rawurl', 's')` from `k6/encoding` (k6 has no
 * `atob`), tests pass a Buffer-based one. May throw on bad input.
 */
export type Base64UrlDecoder = (segment: string) => string;

/** The registered time claims, in seconds since the epoch (RFC 7519 §2 NumericDate). */
export interface JwtTimes {
  /** `exp` (RFC 7519 §4.1.4). */
  expSeconds: number;
  /** `iat` (RFC 7519 §4.1.6), when present and usable. */
  iatSeconds?: number;
}

export type JwtTimesResult = { ok: true; times: JwtTimes } | { ok: false; reason: string };

/**
 * Decodes the payload (second part) of a JWS compact serialization (RFC 7515 §7.1) into its
 * claims object. An opaque token, a JWE (five parts) or any malformed token gives a reason.
 */
export function decodeJwtPayload(
  token: string,
  decode: Base64UrlDecoder,
): { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string } {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return {
      ok: false,
      reason: `token is not a JWT; reason: expected 3 dot-separated parts, got ${parts.length}`,
    };
  }
  const payload = parts[1] ?? '';
  // Checked here, not left to the decoder: decoders differ in what they tolerate (Node's Buffer
  // skips bad characters, k6's 'rawurl' rejects padding), and the answer must not.
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || payload.length % 4 === 1) {
    return {
      ok: false,
      reason: 'JWT payload is not base64url; reason: expected unpadded base64url, got other text',
    };
  }
  let json: string;
  try {
    json = decode(payload);
  } catch {
    return {
      ok: false,
      reason: 'JWT payload is not base64url; reason: expected decodable base64url, got an error',
    };
  }
  let claims: unknown;
  try {
    claims = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'JWT payload is not JSON; reason: expected a JSON object' };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return {
      ok: false,
      reason: `JWT payload is not a claims set; reason: expected a JSON object, got ${describe(claims)}`,
    };
  }
  return { ok: true, claims: claims as Record<string, unknown> };
}

/**
 * Reads `exp` and `iat` from a JWT. `exp` is required (a token without it cannot tell us when it
 * expires); an unusable `iat` is ignored, because `exp` alone is still an answer.
 */
export function readJwtTimes(token: string, decode: Base64UrlDecoder): JwtTimesResult {
  const decoded = decodeJwtPayload(token, decode);
  if (!decoded.ok) return decoded;
  const { exp, iat } = decoded.claims;
  if (exp === undefined) {
    return { ok: false, reason: 'JWT has no expiry; reason: expected an "exp" claim, got none' };
  }
  if (!isNumericDate(exp)) {
    return {
      ok: false,
      reason: `JWT "exp" is not a NumericDate; reason: expected a non-negative number, got ${describe(exp)}`,
    };
  }
  const times: JwtTimes = { expSeconds: exp };
  if (isNumericDate(iat) && iat < exp) times.iatSeconds = iat;
  return { ok: true, times };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A type name, never the value: claims may be personal data. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
