/**
 * The toolkit's one error base class. `code` is stable (tests and users match on it); the message
 * follows `what; reason: expected X, got Y` and never contains a secret.
 */
export class ToolkitError extends Error {
  override readonly name: string = 'ToolkitError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A setting, profile or credentials file is wrong: raised at init, before any load is sent. */
export class ConfigError extends ToolkitError {
  override readonly name = 'ConfigError';
}
