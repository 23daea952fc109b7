/**
 * k6's `console`, which @types/k6 leaves to the DOM lib (not loaded for k6 code: k6 has no DOM).
 * k6 prints these through its logger; `warn` and `error` go to stderr.
 * https://grafana.com/docs/k6/latest/javascript-api/console/
 */
declare global {
  var console: {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    debug(...data: unknown[]): void;
  };

  /**
   * k6's CommonJS loader, available in init code: loads a module file relative to the calling
   * script. The toolkit uses it for dist/controller.js (lib/k6/vu-zero.ts).
   */
  function require(id: string): unknown;
}

export {};
