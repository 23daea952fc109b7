/**
 * The identity provider's error codes. The provider is a program of its own (`npm run idp`), not
 * code k6 runs, so its codes live beside it rather than among the toolkit's (lib/core/errors.ts);
 * its errors are still `ToolkitError`s with the same message shape.
 */
export const IDP_ERROR_CODES = {
  /** The provider's environment (`PORT`, `ACCESS_TTL`, `CONSENT`…) is invalid. */
  IDP_ENV_INVALID: 'IDP_ENV_INVALID',
} as const;

export type IdpErrorCode = (typeof IDP_ERROR_CODES)[keyof typeof IDP_ERROR_CODES];
