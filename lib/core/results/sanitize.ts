/**
 * Makes k6's summary data safe to write out: drops `setup_data` (k6 hands `handleSummary` what
 * `setup()` returned, and a setup that logs in returns tokens) and masks anything that looks like
 * a secret, wherever it sits (values, keys, check names, tag values inside sub-metric names).
 */
import { REDACTED, redact, redactCredentialShapes, redactSecrets } from '../redact.ts';
import type { SummaryData } from './summary-data.ts';
import { isStopCheckText } from './test-stop.ts';

/** What a masked secret is replaced with (the toolkit's one mask, from redact.ts). */
export const MASK = REDACTED;

/** Field names whose values are secrets (matched against object keys). "passes" is not one. */
const SECRET_KEY =
  /passw(?:or)?d|^pass$|pwd|token|cookie|authori[sz]ation|secret|api[-_]?key|credential|session[-_]?id|^sid$|private[-_]?key/i;

/** `name=value` or `name: value` where the name says secret, beyond what redact.ts knows. */
const NAMED_VALUE =
  /\b(pwd|api_?key|sid|authorization)(\s*[=:]\s*"?)(?!(?:Bearer|Basic)\s)([^\s&;,"'}]+)/gi;
/** Long runs of token characters. */
const LONG_RUN = /[\w+/=-]{24,}/g;

function looksRandom(run: string): boolean {
  // Mixed case plus digits is typical of base64/base62 tokens and rare in names and paths;
  // a long hex run is a hex-encoded token (md5-sized group ids, 32 chars, stay readable).
  const mixed = /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run);
  return mixed || /^[0-9a-fA-F]{40,}$/.test(run);
}

/**
 * Masks secrets inside free text: the known values and shapes of redact.ts (bearer credentials,
 * JWTs, cookies, secret-named fields), a few more secret-named pairs, and long random-looking runs.
 * Known secrets shorter than 4 characters are skipped here: in summary data they would mangle
 * metric names and stats ("p(95)") rather than hide anything.
 */
export function maskSecretsInText(text: string, knownSecrets: readonly string[] = []): string {
  const known = knownSecrets.filter((secret) => secret.length >= 4);
  return redact(text, known)
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
    if (underSecretKey) return MASK;
    return isStopCheckText(value)
      ? redactCredentialShapes(redactSecrets(value, knownSecrets))
      : maskSecretsInText(value, knownSecrets);
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
