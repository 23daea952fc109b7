/**
 * Masks secrets in text the toolkit prints. Values from `k6/secrets` are redacted by k6 itself;
 * tokens and cookies minted at run time, and passwords read from files, are not: this is the
 * toolkit's last line of defence for anything that reaches a log line or an error message.
 */

export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of each known secret. Longer secrets go first, so a secret that
 * contains another is masked whole. Every non-empty secret counts, however short: a mangled
 * message is better than a leaked password.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const known = secrets
    .filter((secret): secret is string => secret !== undefined && secret !== '')
    .sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of known) result = result.split(secret).join(REDACTED);
  return result;
}

// Built on each call (only warnings are redacted, at most a few per VU), not in a module constant
// that every k6 VU would keep alive for the whole test (bench/RESULTS.md).
function credentialShapes(): [RegExp, string][] {
  return [
    // Authorization values: "Bearer <token>", "Basic <credentials>" (RFC 6750 §2.1, RFC 7617).
    [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
    // Anything shaped like a JWS: three base64url parts, the first a JSON header ("eyJ").
    [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
    // Cookie and Set-Cookie header values.
    [/\b((?:set-)?cookie\s*[:=]\s*)[^\r\n]*/gi, `$1${REDACTED}`],
  ];
}

function redactionPatterns(): [RegExp, string][] {
  return [
    ...credentialShapes(),
    // JSON or form fields whose name says secret, in bodies and serialized objects.
    [
      /("?[\w-]*(?:token|password|passwd|secret|session|csrf)[\w-]*"?\s*[:=]\s*)("[^"]*"|[^\s&,;}]+)/gi,
      `$1${REDACTED}`,
    ],
  ];
}

/** Masks secret-shaped text whose value the caller does not know: bearer tokens, JWTs, cookies. */
export function redactPatterns(text: string): string {
  let result = text;
  for (const [pattern, replacement] of redactionPatterns())
    result = result.replace(pattern, replacement);
  return result;
}

/**
 * Masks bearer and basic credentials, JWTs and cookie values, but not `name=value` pairs whose
 * name says secret: for the toolkit's own messages, which name settings such as
 * `-e AUTH_PASSWORD_SECRET=<secret name>` and codes such as `CREDENTIALS_SECRET_UNREADABLE: …`
 * (never a secret's value, house style) that the field rule would mangle.
 */
export function redactCredentialShapes(text: string): string {
  let result = text;
  for (const [pattern, replacement] of credentialShapes())
    result = result.replace(pattern, replacement);
  return result;
}

/** Both: known secrets first (exact), then secret-shaped text. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redactPatterns(redactSecrets(text, secrets));
}
