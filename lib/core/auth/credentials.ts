/**
 * Credentials pools: parsing CSV and JSON files, the demo users, and which account a VU uses.
 * Messages name the file, the line or index and the field, never a password.
 */
import { ConfigError, ERROR_CODES } from '../errors.ts';
import { describeType } from '../value-types.ts';
import type { Credentials } from './profile.ts';

/**
 * Parses a CSV pool (RFC 4180): a header row naming `username` and `password` (any order, any
 * case, other columns ignored), then one account a row. Fields may be quoted, with `""` for a
 * quote inside; line ends may be CRLF or LF; blank lines are skipped.
 *
 * @throws ConfigError CREDENTIALS_INVALID (bad header, row or quoting), CREDENTIALS_EMPTY.
 */
export function parseCredentialsCsv(text: string, source: string, shared = false): Credentials[] {
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''), source);
  const header = rows.shift();
  const columns = (header?.cells ?? []).map((cell) => cell.trim().toLowerCase());
  const userColumn = columns.indexOf('username');
  const passwordColumn = columns.indexOf('password');
  if (userColumn < 0 || passwordColumn < 0) {
    throw invalid(
      `${source} line 1`,
      'a header row with "username" and "password" columns',
      `columns ${columns.map((c) => JSON.stringify(c.slice(0, 30))).join(', ') || 'none'}`,
    );
  }
  const pool = rows.map(({ line, cells }) => {
    if (cells.length !== columns.length) {
      throw invalid(`${source} line ${line}`, `${columns.length} fields`, `${cells.length}`);
    }
    return checkAccount(cells[userColumn], cells[passwordColumn], `${source} line ${line}`);
  });
  if (!shared) assertDistinct(pool, (i) => `${source} line ${rows[i]?.line}`);
  return nonEmpty(pool, source);
}

/**
 * Parses a JSON pool: an array of `{ "username": "...", "password": "..." }` (other keys ignored).
 *
 * @throws ConfigError CREDENTIALS_INVALID, CREDENTIALS_EMPTY.
 */
export function parseCredentialsJson(text: string, source: string, shared = false): Credentials[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    // The parser's message may quote the file, passwords included.
    throw invalid(source, 'valid JSON', 'a syntax error');
  }
  if (!Array.isArray(parsed)) {
    throw invalid(source, 'an array of {username, password}', describeType(parsed));
  }
  const pool = parsed.map((entry: unknown, index) => {
    const where = `${source}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw invalid(where, 'an object with username and password', describeType(entry));
    }
    const { username, password } = entry as Record<string, unknown>;
    return checkAccount(username, password, where);
  });
  if (!shared) assertDistinct(pool, (i) => `${source}[${i}]`);
  return nonEmpty(pool, source);
}

/** The reference server's demo users: `user<N>` / `pass<N>`, N = 1..count (the article's user1). */
export function demoCredentials(count: number): Credentials[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_INVALID,
      `Invalid -e USERS; reason: expected an integer >= 1, got ${String(count)}`,
    );
  }
  return Array.from({ length: count }, (_, i) => ({
    username: `user${i + 1}`,
    password: `pass${i + 1}`,
  }));
}

/**
 * The pool index of a VU's account. `vuIdInTest` (k6's `exec.vu.idInTest`, 1-based) is unique
 * across execution segments, so VUs of a distributed run never share an account either.
 *
 * @throws ConfigError CREDENTIALS_TOO_FEW when there are more VUs than accounts, unless
 *   `allowShared` (then VUs wrap around the pool).
 */
export function credentialsIndexForVu(
  vuIdInTest: number,
  poolSize: number,
  allowShared: boolean,
): number {
  if (!Number.isInteger(vuIdInTest) || vuIdInTest < 1) {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_BAD_VU,
      `Cannot pick an account; reason: expected a VU id >= 1 (exec.vu.idInTest, outside init), got ${vuIdInTest}`,
    );
  }
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_EMPTY,
      `Cannot pick an account; reason: expected a pool of at least 1 account, got ${poolSize}`,
    );
  }
  if (vuIdInTest > poolSize && !allowShared) {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_TOO_FEW,
      `Not enough accounts for VU ${vuIdInTest}; reason: expected at most ${poolSize} VUs for ${poolSize} accounts (add accounts, lower the VUs, or set -e SHARE_ACCOUNTS=true), got VU ${vuIdInTest}`,
    );
  }
  return (vuIdInTest - 1) % poolSize;
}

/**
 * Each account once: two VUs on one account would share its session or tokens, which the
 * docs (docs/modes-and-profiles.md) promise never happens unless `-e SHARE_ACCOUNTS=true` says so.
 *
 * @throws ConfigError CREDENTIALS_DUPLICATE naming both places (the user name is not a secret).
 */
function assertDistinct(pool: readonly Credentials[], placeOf: (index: number) => string): void {
  const firstIndex: Record<string, number> = {};
  pool.forEach(({ username }, index) => {
    const first = firstIndex[username];
    if (first === undefined) {
      firstIndex[username] = index;
      return;
    }
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_DUPLICATE,
      `Duplicate account at ${placeOf(index)}; reason: expected each username once (VUs never share an account unless -e SHARE_ACCOUNTS=true), got ${JSON.stringify(username.slice(0, 60))} again, first at ${placeOf(first)}`,
    );
  });
}

function checkAccount(username: unknown, password: unknown, where: string): Credentials {
  if (typeof username !== 'string' || username === '') {
    throw invalid(`${where} username`, 'a non-empty string', describeType(username));
  }
  if (typeof password !== 'string' || password === '') {
    throw invalid(`${where} password`, 'a non-empty string', describeType(password));
  }
  return { username, password };
}

function nonEmpty(pool: Credentials[], source: string): Credentials[] {
  if (pool.length === 0) {
    throw new ConfigError(
      ERROR_CODES.CREDENTIALS_EMPTY,
      `No accounts in ${source}; reason: expected at least 1 account, got 0`,
    );
  }
  return pool;
}

function invalid(where: string, expected: string, got: string): ConfigError {
  return new ConfigError(
    ERROR_CODES.CREDENTIALS_INVALID,
    `Invalid credentials in ${where}; reason: expected ${expected}, got ${got}`,
  );
}

interface CsvRow {
  /** 1-based line where the row starts, for messages. */
  line: number;
  cells: string[];
}

/** RFC 4180 rows; a quoted field may span lines. Blank lines are dropped. */
function parseCsvRows(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let i = 0;
  const endRow = (): void => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
      if (char === '\n') line += 1;
      i += 1;
      continue;
    }
    if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else if (char === '"') {
      throw invalid(
        `${source} line ${line}`,
        'a quote only at the start of a field',
        'one inside it',
      );
    } else cell += char;
    i += 1;
  }
  if (quoted) throw invalid(`${source} line ${rowLine}`, 'a closing quote', 'the end of the file');
  endRow();
  return rows;
}
