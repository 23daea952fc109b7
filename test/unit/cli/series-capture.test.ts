import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { reduceK6Csv, startSeriesCapture } from '../../../cli/series-capture.ts';
import { SeriesReducer } from '../../../lib/core/results/series.ts';

const HEADER =
  'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';

function row(metric: string, atMs: number, value: number, tags = 'endpoint=protected&auth=token') {
  return `${metric},${atMs},${value.toFixed(6)},,,,true,,GET,u,HTTP/1.1,load,,200,,,u,${tags},`;
}

const ROWS = [
  HEADER,
  row('http_req_duration', 1000, 2),
  row('http_req_waiting', 1000, 1.5),
  row('http_req_failed', 1000, 1),
  row('http_req_duration', 2500, 4),
  row('auth_logins', 1001, 1, 'auth=token'),
];

describe('reduceK6Csv', () => {
  it('reads rows split anywhere across chunks, with LF or CRLF endings', async () => {
    const text = `${ROWS.join('\r\n')}\n`;
    const chunks = [text.slice(0, 7), text.slice(7, 180), text.slice(180, 181), text.slice(181)];
    const reducer = new SeriesReducer();
    const result = await reduceK6Csv(Readable.from(chunks), reducer);
    assert.deepEqual(result, { lines: 6, samples: 4 });
    const series = reducer.finish('load');
    assert.deepEqual(
      series.endpoints.protected?.map((w) => [w.t, w.requests, w.errors]),
      [
        [0, 1, 1],
        [1000, 1, 0],
      ],
    );
    assert.equal(series.auth[0]?.logins, 1);
  });

  it('reads a last row without a newline', async () => {
    const reducer = new SeriesReducer();
    const result = await reduceK6Csv(Readable.from([ROWS.slice(0, 2).join('\n')]), reducer);
    assert.equal(result.samples, 1);
  });

  it('drains the whole input after a bad header, and says why it read nothing', async () => {
    const reducer = new SeriesReducer();
    const result = await reduceK6Csv(Readable.from(['not,a,k6,header\n', `${ROWS[1]}\n`]), reducer);
    assert.equal(result.lines, 2);
    assert.equal(result.samples, 0);
    assert.match(result.error ?? '', /^k6 CSV header; reason: expected a column timestamp, got /);
  });
});

describe('startSeriesCapture', () => {
  it('asks k6 for its CSV output into a named pipe, reads what is written, and removes the pipe', async () => {
    const capture = await startSeriesCapture('load');
    assert.ok(!('unavailable' in capture), 'mkfifo works here');
    const [flag, output] = capture.k6Args;
    assert.equal(flag, '--out');
    const fifo = /^csv=fileName=(.+),timeFormat=unix_milli$/.exec(output ?? '')?.[1] ?? '';
    assert.ok(existsSync(fifo));
    // What k6 would write: opening the pipe for writing lets the reader's open return.
    await writeFile(fifo, `${ROWS.join('\n')}\n`);
    const { series, result } = await capture.finish();
    assert.equal(result.samples, 4);
    assert.equal(series?.endpoints.protected?.length, 2);
    assert.equal(existsSync(dirname(fifo)), false);
  });

  it('ends at once with no series when k6 never opened the pipe (it stopped at init)', async () => {
    const capture = await startSeriesCapture('load');
    assert.ok(!('unavailable' in capture));
    const startedMs = Date.now();
    const { series, result } = await capture.finish();
    assert.equal(series, null);
    assert.equal(result.samples, 0);
    assert.ok(Date.now() - startedMs < 2000);
  });
});
