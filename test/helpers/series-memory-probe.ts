/**
 * Reads a generated 2-hour soak (200 requests/s: 1.44 M requests, as k6's CSV output writes them)
 * through cli/series-capture.ts's reader, and prints what it cost as JSON: the heap's growth
 * after garbage collection, measured along the way and at the end, and series.json's size.
 * Run with `node --expose-gc --import tsx` (test/integration/series-memory.test.ts).
 */
import { Readable } from 'node:stream';
import { reduceK6Csv } from '../../cli/series-capture.ts';
import { SeriesReducer } from '../../lib/core/results/series.ts';

const HEADER =
  'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const HOURS = Number(process.env.PROBE_HOURS ?? '2');
const RATE = Number(process.env.PROBE_RATE ?? '200');
const START_MS = Date.UTC(2025, 0, 1, 22, 0, 0);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function heapMb(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

const baseline = heapMb();
let peakGrowthMb = 0;
let requests = 0;

/** k6's rows for one request: the duration and failure the series reads, one row it skips. */
function* chunks(): Generator<string> {
  yield `${HEADER}\n`;
  const total = HOURS * 3600 * RATE;
  let chunk = '';
  for (let i = 0; i < total; i += 1) {
    const atMs = START_MS + Math.floor((i * 1000) / RATE);
    const endpoint = i % 50 === 0 ? 'refresh' : 'protected';
    // A slow drift and a tail: 1–3 ms, every 100th request 20 ms.
    const ms = (i % 100 === 0 ? 20 : 1 + ((i * 7919) % 2000) / 1000) * (1 + i / total);
    const failed = i % 997 === 0 ? 1 : 0;
    const url = `http://127.0.0.1:8080/${endpoint}`;
    const tags = `${endpoint === 'refresh' ? 'endpoint=refresh&auth=dual' : 'auth=dual&endpoint=protected'}&phase=window-${1 + Math.floor((i / total) * 4)}`;
    chunk +=
      `http_req_duration,${atMs},${ms.toFixed(6)},,,,true,,GET,${url},HTTP/1.1,soak,,200,,,${url},${tags},\n` +
      `http_req_waiting,${atMs},${ms.toFixed(6)},,,,true,,GET,${url},HTTP/1.1,soak,,200,,,${url},${tags},\n` +
      `http_req_failed,${atMs},${failed}.000000,,,,true,,GET,${url},HTTP/1.1,soak,,200,,,${url},${tags},\n`;
    if (endpoint === 'refresh')
      chunk += `auth_refreshes,${atMs},1.000000,,,,,,,,,soak,,,,,,auth=dual,\n`;
    requests += 1;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
    if (i % 200_000 === 0) peakGrowthMb = Math.max(peakGrowthMb, heapMb() - baseline);
  }
  if (chunk !== '') yield chunk;
}

const startedMs = Date.now();
const reducer = new SeriesReducer();
const result = await reduceK6Csv(Readable.from(chunks(), { objectMode: false }), reducer);
const series = reducer.finish('soak');
const json = `${JSON.stringify(series)}\n`;
const finalGrowthMb = heapMb() - baseline;
process.stdout.write(
  `${JSON.stringify({
    requests,
    lines: result.lines,
    samples: result.samples,
    windows: series.auth.length,
    windowMs: series.windowMs,
    seriesBytes: Buffer.byteLength(json),
    peakHeapGrowthMb: Math.round(Math.max(peakGrowthMb, finalGrowthMb) * 10) / 10,
    finalHeapGrowthMb: Math.round(finalGrowthMb * 10) / 10,
    rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
    elapsedMs: Date.now() - startedMs,
    protectedP95FirstMs: series.endpoints.protected?.[0]?.p95,
    protectedP95LastMs: series.endpoints.protected?.at(-1)?.p95,
  })}\n`,
);
