/**
 * The reference server's error codes. The server is a program of its own (`npm run server`), not
 * code k6 runs, so its codes live beside it rather than among the toolkit's (lib/core/errors.ts);
 * its errors are still `ToolkitError`s with the same message shape.
 */
export const SERVER_ERROR_CODES = {
  /** The server's environment (`PORT`, `JWT_SECRET`, `SCRYPT_COST`…) is invalid. */
  SERVER_ENV_INVALID: 'SERVER_ENV_INVALID',
  /** A fault patch sent to `/_admin/faults` is invalid (answered as 400 `invalid_faults`). */
  FAULTS_INVALID: 'FAULTS_INVALID',
} as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[keyof typeof SERVER_ERROR_CODES];
