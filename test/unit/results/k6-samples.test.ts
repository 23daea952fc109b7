import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToolkitError } from '../../../lib/core/errors.ts';
import {
  addExtraTags,
  k6CsvRowReader,
  k6JsonLineReader,
  splitCsvRow,
} from '../../../lib/core/results/k6-samples.ts';
import { SERIES_METRICS } from '../../../lib/core/results/series.ts';

const WANTED: ReadonlySet<string> = new Set(SERIES_METRICS);

/** k6 v2.2.0's header with its default system tags, as `--out csv` writes it. */
const HEADER =
  'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';

describe('k6CsvRowReader', () => {
  const read = k6CsvRowReader(HEADER, WANTED);

  it('reads a request duration with its endpoint tag from extra_tags, in either order', () => {
    assert.deepEqual(
      read(
        'http_req_duration,1796176183482,0.863826,,,,true,,GET,http://127.0.0.1:8080/protected,HTTP/1.1,load,,200,,,http://127.0.0.1:8080/protected,auth=dual&endpoint=protected&phase=window-1,',
      ),
      {
        metric: 'http_req_duration',
        timeMs: 1796176183482,
        value: 0.863826,
        tags: {
          expected_response: 'true',
          method: 'GET',
          name: 'http://127.0.0.1:8080/protected',
          proto: 'HTTP/1.1',
          scenario: 'load',
          status: '200',
          url: 'http://127.0.0.1:8080/protected',
          auth: 'dual',
          endpoint: 'protected',
          phase: 'window-1',
        },
      },
    );
    assert.equal(
      read(
        'http_req_failed,1,1.000000,,,,false,,POST,u,HTTP/1.1,load,,401,,,u,endpoint=refresh&auth=token,',
      )?.tags.endpoint,
      'refresh',
    );
  });

  it('reads the auth counters, which carry no endpoint', () => {
    assert.deepEqual(read('auth_logins,1796176183483,1.000000,,,,,,,,,load,,,,,,auth=dual,'), {
      metric: 'auth_logins',
      timeMs: 1796176183483,
      value: 1,
      tags: { scenario: 'load', auth: 'dual' },
    });
  });

  it('skips every metric the series does not read, before splitting the row', () => {
    assert.equal(
      read('http_req_waiting,1,0.5,,,,true,,GET,u,HTTP/1.1,load,,200,,,u,endpoint=protected,'),
      null,
    );
    assert.equal(read('checks,1,1,"has, a comma",,,,,,,,load,,,,,,,'), null);
  });

  it('keeps a quoted error message with commas in one field', () => {
    const row =
      'http_req_failed,5,1.000000,,"dial tcp 127.0.0.1:1: connect: connection refused, retry",1211,true,,GET,u,,load,,0,,,u,endpoint=protected,';
    assert.equal(read(row)?.tags.error, 'dial tcp 127.0.0.1:1: connect: connection refused, retry');
    assert.equal(read(row)?.tags.endpoint, 'protected');
    assert.equal(read(row)?.value, 1);
  });

  it('gives null for a torn row (a killed run ends mid-line)', () => {
    assert.equal(read('http_req_duration,1796176183482,0.86'), null);
    assert.equal(
      read('http_req_duration,notatime,0.8,,,,true,,GET,u,HTTP/1.1,load,,200,,,u,endpoint=x,'),
      null,
    );
  });

  it('refuses a header without the columns it reads, with SERIES_INPUT_INVALID', () => {
    assert.throws(
      () => k6CsvRowReader('metric_name,timestamp,metric_value', WANTED),
      (error: unknown) =>
        error instanceof ToolkitError &&
        error.code === 'SERIES_INPUT_INVALID' &&
        error.message ===
          'k6 CSV header; reason: expected a column extra_tags, got "metric_name,timestamp,metric_value"',
    );
  });
});

describe('splitCsvRow and addExtraTags', () => {
  it('splits RFC 4180 rows: empty fields, quotes, doubled quotes', () => {
    assert.deepEqual(splitCsvRow('a,,"b,c","say ""hi""",'), ['a', '', 'b,c', 'say "hi"', '']);
    assert.deepEqual(splitCsvRow(''), ['']);
  });

  it("reads every tag of k6's name=value&… list, and nothing for a prefix of another name", () => {
    const tags = (text: string) => {
      const found: Record<string, string> = {};
      addExtraTags(text, found);
      return found;
    };
    assert.deepEqual(tags('auth=dual&endpoint=login'), { auth: 'dual', endpoint: 'login' });
    assert.equal(tags('endpoints=x').endpoint, undefined);
    assert.deepEqual(tags(''), {});
  });
});

describe('k6JsonLineReader', () => {
  const read = k6JsonLineReader(new Set(['http_req_duration']));

  it('reads a Point line into the same record as a CSV row', () => {
    assert.deepEqual(
      read(
        JSON.stringify({
          type: 'Point',
          metric: 'http_req_duration',
          data: {
            time: '2026-12-01T10:00:00.5Z',
            value: 0.863826,
            tags: { endpoint: 'protected', auth: 'dual' },
          },
        }),
      ),
      {
        metric: 'http_req_duration',
        timeMs: Date.UTC(2026, 11, 1, 10, 0, 0, 500),
        value: 0.863826,
        tags: { endpoint: 'protected', auth: 'dual' },
      },
    );
  });

  it('skips Metric lines, blank lines and metrics it was not asked for', () => {
    assert.equal(
      read(JSON.stringify({ type: 'Metric', metric: 'http_req_duration', data: {} })),
      null,
    );
    assert.equal(read(''), null);
    assert.equal(
      read(JSON.stringify({ type: 'Point', metric: 'http_reqs', data: { time: '', value: 1 } })),
      null,
    );
  });
});
