/**
 * Reads k6's samples as the run goes and reduces them to series.json (lib/core/results/series.ts).
 *
 * k6 writes its CSV output (`--out csv=fileName=<fifo>,timeFormat=unix_milli`) into a named pipe
 * that this process reads line by line: nothing reaches the disk, however long the run (a file
 * would grow by about 1.9 kB per request, 2.7 GB for a 2-hour soak at 200 requests/s), and
 * memory holds one chunk, one line and the reducer's windows. CSV rather than `--out json`: k6
 * costs about the same either way, while the CSV is half the bytes and three times cheaper to read
 * (measured in results/README.md). The pipe must always be drained, or k6 would block on it: a
 * reading error stops the reducing, never the draining.
 */
import { execFile } from 'node:child_process';
import { constants, createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { k6CsvRowReader, type SampleReader } from '../lib/core/results/k6-samples.ts';
import { SERIES_METRICS, type Series, SeriesReducer } from '../lib/core/results/series.ts';

const WANTED: ReadonlySet<string> = new Set(SERIES_METRICS);

export interface ReduceResult {
  lines: number;
  samples: number;
  /** Why reducing stopped early (the input was drained anyway); undefined when it did not. */
  error?: string;
}

/**
 * Reduces a k6 CSV stream into `reducer`, line by line, holding at most one chunk and one line.
 * Resolves at the end of the stream.
 */
export async function reduceK6Csv(input: Readable, reducer: SeriesReducer): Promise<ReduceResult> {
  input.setEncoding('utf8');
  let rest = '';
  let lines = 0;
  let samples = 0;
  let readRow: SampleReader | undefined;
  let error: string | undefined;
  const take = (line: string) => {
    lines += 1;
    if (error !== undefined || line === '') return;
    try {
      if (readRow === undefined) {
        readRow = k6CsvRowReader(line, WANTED);
        return;
      }
      const sample = readRow(line);
      if (sample === null) return;
      reducer.addSample(sample);
      samples += 1;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    const text = rest === '' ? chunk : rest + chunk;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      take(
        text.charCodeAt(newline - 1) === 13
          ? text.slice(start, newline - 1)
          : text.slice(start, newline),
      );
      start = newline + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') take(rest);
  return error === undefined ? { lines, samples } : { lines, samples, error };
}

const END_WAIT_TIMEOUT_MS = 5000;
const END_WAIT_POLL_MS = 20;

/**
 * Opens the pipe for writing and closes it, so that a reader waiting in its open() returns and
 * reads the end. Non-blocking (no libuv thread stuck in open): until the reader has its open() in
 * progress the kernel answers ENXIO, so it polls, bounded, until then or until `isDone()`.
 */
async function endReaderWait(fifo: string, isDone: () => boolean): Promise<void> {
  const deadline = Date.now() + END_WAIT_TIMEOUT_MS;
  while (!isDone() && Date.now() < deadline) {
    try {
      const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      await handle.close();
      return;
    } catch {
      await new Promise((resolvePromise) => setTimeout(resolvePromise, END_WAIT_POLL_MS));
    }
  }
}

export interface SeriesCapture {
  /** The `--out` arguments for k6. */
  k6Args: string[];
  /**
   * Call once k6 has exited: ends the reading (also when k6 never opened the pipe) and returns
   * the series, or null when no sample came.
   */
  finish(): Promise<{ series: Series | null; result: ReduceResult }>;
}

/**
 * Makes the pipe and starts reading it. Null (with the reason) where a named pipe cannot be made
 * (no `mkfifo`): the run goes on without series.json.
 */
export async function startSeriesCapture(
  scenario: string,
): Promise<SeriesCapture | { unavailable: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'k6-series-'));
  const fifo = join(dir, 'samples.csv');
  if (/[,=]/.test(fifo)) {
    await rm(dir, { recursive: true, force: true });
    return {
      unavailable: `the temporary folder ${dir} has a comma or = in its path (k6's --out csv=… reads those as separators)`,
    };
  }
  try {
    await promisify(execFile)('mkfifo', ['-m', '600', fifo]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return {
      unavailable: `mkfifo failed (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const reducer = new SeriesReducer();
  // Opening a pipe for reading waits for a writer: k6 opens it when it sets up its outputs.
  const stream = createReadStream(fifo, { highWaterMark: 64 * 1024 });
  let opened = false;
  let done = false;
  stream.once('open', () => {
    opened = true;
  });
  const reading = reduceK6Csv(stream, reducer)
    .catch(
      (error: unknown): ReduceResult => ({
        lines: 0,
        samples: 0,
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    .finally(() => {
      done = true;
    });
  return {
    k6Args: ['--out', `csv=fileName=${fifo},timeFormat=unix_milli`],
    async finish() {
      // Once k6 has opened the pipe, its exit closed it and the reader sees the end by itself.
      // k6 may have exited before opening it (a script error at init): a writer that opens and
      // closes ends the reader's wait for one.
      if (!opened) await endReaderWait(fifo, () => done);
      // Still waiting (nothing could pair with it in time): stop rather than hang the wrapper.
      if (!opened && !done) stream.destroy();
      try {
        const result = await reading;
        return { series: result.samples === 0 ? null : reducer.finish(scenario), result };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
