/**
 * Reads what compare and baseline work on: a result folder (summary.json and, when present,
 * run.json, capacity.json, series.json) or a saved baseline (baselines/<name>/baseline.json, or a
 * folder holding a baseline.json, such as a downloaded CI artifact), as a run digest.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ERROR_CODES, ToolkitError } from '../lib/core/errors.ts';
import { isBaselineName } from '../lib/core/results/baseline-name.ts';
import {
  type CapacityFile,
  digestResults,
  type RunDigest,
  type SeriesFile,
} from '../lib/core/results/run-digest.ts';
import type { RunIdentity } from '../lib/core/results/run-identity.ts';
import type { SummaryData } from '../lib/core/results/summary-data.ts';

/** baseline.json: a digest and where it came from. */
export interface BaselineFile {
  version: 1;
  name: string;
  savedAt: string;
  /** The result folder's name it was saved from (not its path). */
  source: string;
  digest: RunDigest;
}

export interface LoadedRun {
  digest: RunDigest;
  /** "folder" or "baseline". */
  kind: 'folder' | 'baseline';
  /** What to call it in reports. */
  label: string;
  /** The folder, when it is a result folder (compare writes its files there). */
  folder: string | null;
}

/** Where baselines live: baselines/ under the working folder. */
export function baselinesDir(cwd: string = process.cwd()): string {
  return resolve(cwd, 'baselines');
}

function inputError(message: string): ToolkitError {
  return new ToolkitError(ERROR_CODES.COMPARE_INPUT_INVALID, message);
}

async function readJson<T>(file: string, required: boolean): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    if (!required) return undefined;
    throw inputError(`Cannot read ${file}; reason: expected a readable file, got none`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw inputError(
      `Cannot read ${file}; reason: expected JSON, got a parse error (${(error as Error).message})`,
    );
  }
}

/** The scenario of a folder without run.json: summary.md's title, else the folder's name. */
async function guessScenario(folder: string): Promise<string | undefined> {
  const markdown = await readFile(join(folder, 'summary.md'), 'utf8').catch(() => '');
  const title = /^# ([a-z0-9-]+): k6 results/m.exec(markdown)?.[1];
  if (title !== undefined) return title;
  return /^([a-z0-9-]+?)-\d{8}T\d{6}Z$/.exec(basename(folder))?.[1];
}

/** A result folder's digest. */
export async function digestFolder(folder: string): Promise<RunDigest> {
  const summary = await readJson<SummaryData>(join(folder, 'summary.json'), true);
  if (summary?.metrics === undefined || summary.state === undefined) {
    throw inputError(
      `Cannot read ${join(folder, 'summary.json')}; reason: expected the toolkit's summary.json (metrics, state), got another shape`,
    );
  }
  const series = await readJson<SeriesFile>(join(folder, 'series.json'), false);
  if (series !== undefined && series.version !== 1) {
    throw inputError(
      `Cannot read ${join(folder, 'series.json')}; reason: expected version 1, got ${JSON.stringify(series.version)}`,
    );
  }
  return digestResults({
    summary,
    identity: await readJson<RunIdentity>(join(folder, 'run.json'), false),
    series,
    capacity: await readJson<CapacityFile>(join(folder, 'capacity.json'), false),
    fallbackScenario: await guessScenario(folder),
  });
}

async function loadBaselineFile(file: string): Promise<BaselineFile> {
  const baseline = await readJson<BaselineFile>(file, true);
  if (baseline?.version !== 1 || baseline.digest?.version !== 1) {
    throw inputError(
      `Cannot read ${file}; reason: expected a baseline of version 1, got ${JSON.stringify(baseline?.version)}`,
    );
  }
  return baseline;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * A command-line argument as a run: a result folder, a folder with a baseline.json, or the name
 * of a saved baseline.
 */
export async function loadRun(argument: string, cwd: string = process.cwd()): Promise<LoadedRun> {
  const path = resolve(cwd, argument);
  if (isDirectory(path)) {
    if (existsSync(join(path, 'summary.json'))) {
      return { digest: await digestFolder(path), kind: 'folder', label: argument, folder: path };
    }
    if (existsSync(join(path, 'baseline.json'))) {
      const baseline = await loadBaselineFile(join(path, 'baseline.json'));
      return { digest: baseline.digest, kind: 'baseline', label: argument, folder: null };
    }
  }
  if (isBaselineName(argument)) {
    const file = join(baselinesDir(cwd), argument, 'baseline.json');
    if (existsSync(file)) {
      const baseline = await loadBaselineFile(file);
      return {
        digest: baseline.digest,
        kind: 'baseline',
        label: `baseline ${argument}`,
        folder: null,
      };
    }
  }
  throw inputError(
    `No result folder or baseline ${JSON.stringify(argument)}; reason: expected a folder with summary.json (or baseline.json), or a saved baseline (npm run baseline -- list), got neither`,
  );
}

/** The saved baselines' names, sorted. */
export async function listBaselineNames(cwd: string = process.cwd()): Promise<string[]> {
  const dir = baselinesDir(cwd);
  if (!isDirectory(dir)) return [];
  const names: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(dir, entry.name, 'baseline.json'))) {
      names.push(entry.name);
    }
  }
  return names.sort();
}

export { loadBaselineFile };
