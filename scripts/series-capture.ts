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
import { k6CsvRowReader } from '../lib/core/results/k6-csv.ts';
import { type Series, SeriesReducer } from '../lib/core/results/series.ts';

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
  let readRow: ((line: string) => ReturnType<ReturnType<typeof k6CsvRowReader>>) | undefined;
  let error: string | undefined;
  const take = (line: string) => {
    lines += 1;
    if (error !== undefined || line === '') return;
    try {
      if (readRow === undefined) {
        readRow = k6CsvRowReader(line);
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
  const reading = reduceK6Csv(createReadStream(fifo, { highWaterMark: 64 * 1024 }), reducer).catch(
    (error: unknown): ReduceResult => ({
      lines: 0,
      samples: 0,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return {
    k6Args: ['--out', `csv=fileName=${fifo},timeFormat=unix_milli`],
    async finish() {
      // k6 may have exited before opening the pipe (a script error at init): a writer that opens
      // and closes at once ends the reader's wait. When the reader is gone already, ENXIO.
      try {
        const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        await handle.close();
      } catch {
        // Nothing is reading any more: nothing to end.
      }
      try {
        const result = await reading;
        return { series: result.samples === 0 ? null : reducer.finish(scenario), result };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
