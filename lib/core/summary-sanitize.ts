/**
 * Makes k6's summary data safe to write out: drops `setup_data` (it may carry credentials, see
 * design.md) and masks anything that looks like a secret, wherever it sits (values, keys, check
 * names, tag values inside sub-metric names).
 */
import type { SummaryData } from './summary-data.ts';

/** What a masked secret is replaced with. */
export const MASK = '[redacted]';

/** Field names whose values are secrets (matched against object keys). "passes" is not one. */
const SECRET_KEY =
  /passw(?:or)?d|^pass$|pwd|token|cookie|authori[sz]ation|secret|api[-_]?key|credential|session[-_]?id|^sid$|private[-_]?key/i;

/** JWS/JWE compact serialisations (RFC 7515 §7.1, RFC 7516 §7.1): a JSON header starts "eyJ". */
const JWT = /eyJ[\w-]+\.[\w-]+(?:\.[\w-]*){1,3}/g;
/** Credentials after an HTTP authentication scheme (RFC 9110 §11.4, RFC 6750 §2.1). */
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token)(\s+)[^\s,;"'}]+/gi;
/** `name=value` or `name: value` where the name says secret (query strings, form bodies, headers). */
const NAMED_VALUE =
  /\b(password|passwd|pwd|(?:access_|refresh_|id_)?token|client_secret|secret|api_?key|session(?:_?id)?|sid|cookie|set-cookie|authorization)(\s*[=:]\s*"?)([^\s&;,"'}]+)/gi;
/** Long runs of token characters. */
const LONG_RUN = /[\w+/=-]{24,}/g;

function looksRandom(run: string): boolean {
  // Mixed case plus digits is typical of base64/base62 tokens and rare in names and paths;
  // a long hex run is a hex-encoded token (md5-sized group ids, 32 chars, stay readable).
  const mixed = /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run);
  return mixed || /^[0-9a-fA-F]{40,}$/.test(run);
}

/**
 * Masks secrets inside free text: JWTs, credentials after an auth scheme, secret-named
 * `name=value` pairs, long random-looking runs, and any of `knownSecrets` (exact values the
 * caller knows are secret, e.g. passwords from the environment).
 */
export function maskSecretsInText(text: string, knownSecrets: readonly string[] = []): string {
  let masked = text;
  for (const secret of knownSecrets) {
    // Very short values would mask ordinary words; they are caught by the patterns or not at all.
    if (secret.length >= 4) masked = masked.split(secret).join(MASK);
  }
  return masked
    .replace(JWT, MASK)
    .replace(AUTH_SCHEME, `$1$2${MASK}`)
    .replace(NAMED_VALUE, `$1$2${MASK}`)
    .replace(LONG_RUN, (run) => (looksRandom(run) ? MASK : run));
}

/** True when an object key names a secret (password, token, cookie, authorization, …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Deep copy of `value` with secrets masked: every string and number under a secret-named key, and
 * secret-looking text in every other string and key.
 */
export function redactValue(
  value: unknown,
  knownSecrets: readonly string[] = [],
  underSecretKey = false,
): unknown {
  if (typeof value === 'string') {
    return underSecretKey ? MASK : maskSecretsInText(value, knownSecrets);
  }
  if (typeof value === 'number') return underSecretKey ? MASK : value;
  if (Array.isArray(value))
    return value.map((item) => redactValue(item, knownSecrets, underSecretKey));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[maskSecretsInText(key, knownSecrets)] = redactValue(
        item,
        knownSecrets,
        underSecretKey || isSecretKey(key),
      );
    }
    return copy;
  }
  return value;
}

/**
 * k6's summary data fit to be written as summary.json: without `setup_data`, secrets masked.
 * Metric names are names, not fields: a metric called `token_age` keeps its numbers.
 */
export function sanitizeSummary(
  data: SummaryData,
  knownSecrets: readonly string[] = [],
): Omit<SummaryData, 'setup_data'> {
  const { setup_data: _dropped, metrics, ...rest } = data;
  const safeMetrics: Record<string, unknown> = {};
  for (const [name, metric] of Object.entries(metrics)) {
    safeMetrics[maskSecretsInText(name, knownSecrets)] = redactValue(metric, knownSecrets);
  }
  return {
    ...(redactValue(rest, knownSecrets) as Omit<SummaryData, 'setup_data' | 'metrics'>),
    metrics: safeMetrics as SummaryData['metrics'],
  };
}
