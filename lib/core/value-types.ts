/**
 * Type tests and type descriptions for parsed JSON and `-e` values, shared by the profile,
 * credentials and response readers so each says the same thing the same way.
 */

/** A JSON object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value's type for a message ("an array", "an empty string"), never the value itself: it may
 * be a password or a token.
 */
export function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
