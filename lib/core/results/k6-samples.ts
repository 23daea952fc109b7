/**
 * The one sample reader: k6's streamed output, one line at a time, into one kind of record that
 * every reducer reads (series.ts for series.json, sample-histograms.ts for a split test's merge).
 * Two feeds, one record:
 * - the CSV output (`--out csv=fileName=…,timeFormat=unix_milli`), which `npm run scenario` pipes
 *   into series.json: a header, then one row per sample: `metric_name`, `timestamp`,
 *   `metric_value`, the system tags in named columns, then `extra_tags` (every other tag as
 *   `name=value&…`, in no fixed order) and `metadata`;
 * - the JSON output (`--out json=…`, one object a line), which each instance of a split test
 *   writes.
 * A line of a metric the caller does not read is rejected on its metric name, before any other
 * parsing: most lines are such.
 */

import { ERROR_CODES, ToolkitError } from '../errors.ts';

/** One k6 sample, from either feed. */
export interface K6Sample {
  metric: string;
  /** Epoch milliseconds. */
  timeMs: number;
  value: number;
  /** Every tag the sample carries (system tags and the toolkit's `endpoint`, `auth`, `phase`…). */
  tags: Readonly<Record<string, string>>;
}

/** Reads one line; null for a metric the caller skips and for a line it cannot read. */
export type SampleReader = (line: string) => K6Sample | null;

/** Columns of k6's CSV that are not tags. */
const NOT_TAGS = new Set(['metric_name', 'timestamp', 'metric_value', 'extra_tags', 'metadata']);

/** Splits one CSV row (RFC 4180 quoting: a quoted field may hold commas and doubled quotes). */
export function splitCsvRow(line: string): string[] {
  const fields: string[] = [];
  let index = 0;
  while (index <= line.length) {
    if (line[index] === '"') {
      let value = '';
      index += 1;
      while (index < line.length) {
        const quote = line.indexOf('"', index);
        if (quote === -1) {
          value += line.slice(index);
          index = line.length;
          break;
        }
        value += line.slice(index, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      fields.push(value);
      index += 1; // the comma after the closing quote
    } else {
      const comma = line.indexOf(',', index);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(index, end));
      index = end + 1;
    }
  }
  return fields;
}

/** k6's `extra_tags` (`endpoint=protected&auth=token`) added to `tags`. */
export function addExtraTags(extraTags: string, tags: Record<string, string>): void {
  if (extraTags === '') return;
  for (const pair of extraTags.split('&')) {
    const equals = pair.indexOf('=');
    if (equals !== -1) tags[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
}

/**
 * Makes the row reader for a CSV whose first line is `header`, reading the metrics in `wanted`.
 * The reader returns null for any other metric and for a row it cannot read (a torn last line of
 * a killed run). Throws `SERIES_INPUT_INVALID` when the header lacks a column it reads.
 */
export function k6CsvRowReader(header: string, wanted: ReadonlySet<string>): SampleReader {
  const columns = splitCsvRow(header);
  const at = (name: string): number => {
    const index = columns.indexOf(name);
    if (index === -1) {
      throw new ToolkitError(
        ERROR_CODES.SERIES_INPUT_INVALID,
        `k6 CSV header; reason: expected a column ${name}, got ${JSON.stringify(header.slice(0, 200))}`,
      );
    }
    return index;
  };
  const timestamp = at('timestamp');
  const value = at('metric_value');
  const extra = at('extra_tags');
  const tagColumns = columns.flatMap((name, index) => (NOT_TAGS.has(name) ? [] : [index]));
  return (line) => {
    const comma = line.indexOf(',');
    if (comma === -1 || !wanted.has(line.slice(0, comma))) return null;
    const fields = splitCsvRow(line);
    const timeMs = Number(fields[timestamp]);
    const sampleValue = Number(fields[value]);
    if (fields.length !== columns.length || !Number.isFinite(timeMs) || Number.isNaN(sampleValue)) {
      return null;
    }
    const tags: Record<string, string> = {};
    for (const index of tagColumns) {
      const tag = fields[index];
      if (tag) tags[columns[index] as string] = tag;
    }
    addExtraTags(fields[extra] ?? '', tags);
    return { metric: line.slice(0, comma), timeMs, value: sampleValue, tags };
  };
}

interface JsonPoint {
  type?: string;
  metric?: string;
  data?: { time?: string; value?: number; tags?: Record<string, string> | null };
}

/**
 * Makes the line reader for k6's JSON output, reading the metrics in `wanted`: `Point` lines
 * become samples; `Metric` lines, blank lines and other metrics give null.
 */
export function k6JsonLineReader(wanted: ReadonlySet<string>): SampleReader {
  return (line) => {
    if (line.length === 0 || !line.includes('"Point"')) return null;
    const point = JSON.parse(line) as JsonPoint;
    if (point.type !== 'Point' || point.metric === undefined || !wanted.has(point.metric)) {
      return null;
    }
    const value = point.data?.value;
    if (typeof value !== 'number') return null;
    return {
      metric: point.metric,
      timeMs: Date.parse(point.data?.time ?? ''),
      value,
      tags: point.data?.tags ?? {},
    };
  };
}
