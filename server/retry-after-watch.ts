/**
 * Follows each injected 429 to the next request on the same connection, so a test can tell
 * whether a client waited as long as Retry-After asked (RFC 9110 §10.2.3). Keyed by connection:
 * k6 keeps one per VU and reuses it after a 429; a client that reconnects is not followed.
 */

export class RetryAfterWatch {
  // Weak: a connection that closes while told to wait takes its entry with it.
  private readonly waits = new WeakMap<object, number>();
  private readonly wallClock: () => number;

  constructor(wallClock: () => number) {
    this.wallClock = wallClock;
  }

  /** A 429 asking `connection` to wait `retryAfterSeconds` was just sent. */
  told(connection: object, retryAfterSeconds: number): void {
    this.waits.set(connection, this.wallClock() + retryAfterSeconds * 1000);
  }

  /**
   * A request arrived on `connection`: the ms between the end of its last wait and now
   * (negative: sent early), or undefined when it was not waiting.
   */
  arrived(connection: object): number | undefined {
    const allowedAtMs = this.waits.get(connection);
    if (allowedAtMs === undefined) return undefined;
    this.waits.delete(connection);
    return this.wallClock() - allowedAtMs;
  }
}
