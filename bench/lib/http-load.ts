/**
 * Closed-loop HTTP load with autocannon (npm, in this process), for the server measurements: as
 * fast as the server answers, on a fixed number of keep-alive connections. The server's CPU per
 * answered request is read from /proc around the run, so it does not depend on how fast the
 * generator itself is.
 */
import autocannon from 'autocannon';
import type { ServerProcess } from './servers.ts';

export interface LoadSpec {
  server: ServerProcess;
  path: string;
  method?: 'GET' | 'POST';
  /** May carry a credential: never printed. */
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadMeasurement {
  /** 2xx answers per second. */
  okPerSecond: number;
  okAnswers: number;
  /** Server user + system CPU microseconds per 2xx answer. */
  serverCpuMicrosPerOk: number;
  latencyMeanMs: number;
  latencyP99Ms: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failures: number;
}

export async function measureHttpLoad(spec: LoadSpec): Promise<LoadMeasurement> {
  const options: Parameters<typeof autocannon>[0] = {
    url: `${spec.server.url}${spec.path}`,
    connections: spec.connections,
    duration: spec.durationSeconds,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
  };
  if (spec.body !== undefined) options.body = spec.body;
  const cpuBefore = spec.server.cpuSeconds();
  const result = await autocannon(options);
  const cpuSeconds = spec.server.cpuSeconds() - cpuBefore;
  const ok = result['2xx'];
  return {
    okPerSecond: ok / result.duration,
    okAnswers: ok,
    serverCpuMicrosPerOk: ok === 0 ? Number.NaN : (cpuSeconds * 1e6) / ok,
    latencyMeanMs: result.latency.average,
    latencyP99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
