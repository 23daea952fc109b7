/**
 * Keeps what a stopped run's results need from k6's stderr while the terminal gets all of it: the
 * first and last `level=error` lines and the last lines of all, bounded whatever k6 prints (a run
 * can log tens of thousands of errors, and the wrapper must not hold them in memory).
 */

const KEPT_PER_END = 20;
const MAX_LINE_CHARS = 4000;

export class ErrorLineKeeper {
  private partial = '';
  private readonly firstErrors: string[] = [];
  private lastErrors: string[] = [];
  private lastLines: string[] = [];

  /** Takes the next chunk k6 wrote (lines may span chunks). */
  add(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = (lines.pop() ?? '').slice(-MAX_LINE_CHARS);
    for (const line of lines) this.keep(line);
  }

  /** The kept lines, in the order k6 wrote them (the first errors, the last ones, then the tail). */
  text(): string {
    if (this.partial !== '') {
      this.keep(this.partial);
      this.partial = '';
    }
    const errors = [...this.firstErrors, ...this.lastErrors];
    return [...errors, ...this.lastLines.filter((line) => !errors.includes(line))].join('\n');
  }

  private keep(raw: string): void {
    const line = raw.slice(0, MAX_LINE_CHARS);
    if (/\blevel=error\b/.test(line)) {
      if (this.firstErrors.length < KEPT_PER_END) this.firstErrors.push(line);
      else this.lastErrors = [...this.lastErrors, line].slice(-KEPT_PER_END);
    }
    if (line.trim() !== '') this.lastLines = [...this.lastLines, line].slice(-KEPT_PER_END);
  }
}
