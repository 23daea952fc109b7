/**
 * k6's CSV output (`--out csv=fileName=…,timeFormat=unix_milli`), one line at a time, into the
 * samples series.ts reads. k6 writes a header, then one row per sample: `metric_name`,
 * `timestamp`, `metric_value`, the system tags in named columns, then `extra_tags` (every other
 * tag as `name=value&…`, in no fixed order) and `metadata`. A row of a metric the series does not
 * read is rejected on its first field, before any other parsing: most rows are such.
 */

import { ERROR_CODES, ToolkitError } from '../errors.ts';
import { SERIES_METRICS, type SeriesSample } from './series.ts';

const WANTED = new Set<string>(SERIES_METRICS);

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

/** The value of `name` in k6's `extra_tags` (`endpoint=protected&auth=token`). */
export function extraTag(extraTags: string, name: string): string | undefined {
  for (const pair of extraTags.split('&')) {
    const equals = pair.indexOf('=');
    if (equals !== -1 && pair.slice(0, equals) === name) return pair.slice(equals + 1);
  }
  return undefined;
}

/**
 * Makes the row reader for a file whose first line is `header`. The reader returns null for a
 * metric the series skips and for a row it cannot read (a torn last line of a killed run).
 * Throws `SERIES_INPUT_INVALID` when the header lacks a column it reads.
 */
export function k6CsvRowReader(header: string): (line: string) => SeriesSample | null {
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
  // endpoint is a custom tag, so it sits in extra_tags, unless --system-tags made a column of it.
  const endpointColumn = columns.indexOf('endpoint');
  return (line) => {
    const comma = line.indexOf(',');
    if (comma === -1 || !WANTED.has(line.slice(0, comma))) return null;
    const fields = splitCsvRow(line);
    const timeMs = Number(fields[timestamp]);
    const sampleValue = Number(fields[value]);
    if (fields.length !== columns.length || !Number.isFinite(timeMs) || Number.isNaN(sampleValue)) {
      return null;
    }
    const endpoint =
      endpointColumn === -1
        ? extraTag(fields[extra] ?? '', 'endpoint')
        : fields[endpointColumn] || undefined;
    return { metric: line.slice(0, comma), timeMs, value: sampleValue, endpoint };
  };
}
