/**
 * Reads and writes the folder one instance of a split test leaves: summary.json, merge-context.json and
 * plan.json (handleSummary with `-e DISTRIBUTED=true`), and its raw samples (`--out json`,
 * samples.json.gz) reduced to histograms.json. Used by `npm run distributed` after its own
 * instances and by `npm run distributed -- merge` on folders k6-operator runners wrote.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { k6JsonLineReader } from '../lib/core/results/k6-samples.ts';
import {
  type InstanceResults,
  type MergeContext,
  MergeError,
  type MergePlan,
} from '../lib/core/results/merge.ts';
import {
  HISTOGRAMS_FORMAT,
  type SampleHistograms,
  SampleReducer,
} from '../lib/core/results/sample-histograms.ts';
import type { SummaryData } from '../lib/core/results/summary-data.ts';

/** The raw samples file each instance writes (k6 gzips a `.gz` JSON output itself). */
export const SAMPLES_FILE = 'samples.json.gz';
export const HISTOGRAMS_FILE = 'histograms.json';

/** Everything the merge needs of one folder. */
export interface InstanceFolder extends InstanceResults {
  run: MergeContext;
  plan: MergePlan | undefined;
}

async function readJson<T>(dir: string, file: string, what: string): Promise<T> {
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new MergeError(
      `Cannot merge ${dir}; reason: expected ${file} (${what}), got no such file`,
    );
  }
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

function trendKeys(summary: SummaryData): string[] {
  return Object.keys(summary.metrics).filter((key) => summary.metrics[key]?.type === 'trend');
}

/** Streams a k6 JSON output file (gzipped or not) through the reducer. */
export async function reduceSamplesFile(
  path: string,
  keys: readonly string[],
): Promise<SampleHistograms> {
  const reducer = new SampleReducer(keys);
  const read = k6JsonLineReader(reducer.metrics);
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    const sample = read(line);
    if (sample !== null) reducer.addSample(sample);
  }
  return reducer.result();
}

/**
 * Makes sure `dir` has histograms.json: reduces samples.json.gz (or samples.json) when it is
 * missing, and removes the raw samples afterwards unless `keepSamples`.
 */
export async function ensureHistograms(dir: string, keepSamples = false): Promise<void> {
  if (existsSync(join(dir, HISTOGRAMS_FILE))) return;
  const samples = [SAMPLES_FILE, 'samples.json'].map((file) => join(dir, file)).find(existsSync);
  if (samples === undefined) {
    throw new MergeError(
      `Cannot merge ${dir}; reason: expected ${HISTOGRAMS_FILE} or ${SAMPLES_FILE} (k6 --out json=${SAMPLES_FILE}), got neither`,
    );
  }
  const summary = await readJson<SummaryData>(dir, 'summary.json', "the instance's summary");
  const histograms = await reduceSamplesFile(samples, trendKeys(summary));
  await writeFile(join(dir, HISTOGRAMS_FILE), `${JSON.stringify(histograms)}\n`);
  if (!keepSamples) await rm(samples);
}

/** Reads one instance folder (reducing its samples first when needed). */
export async function readInstanceFolder(
  dir: string,
  keepSamples = false,
): Promise<InstanceFolder> {
  await ensureHistograms(dir, keepSamples);
  const summary = await readJson<SummaryData>(dir, 'summary.json', "the instance's summary");
  const histograms = await readJson<SampleHistograms>(
    dir,
    HISTOGRAMS_FILE,
    'its sample histograms',
  );
  if (histograms.format !== HISTOGRAMS_FORMAT) {
    throw new MergeError(
      `Cannot merge ${dir}; reason: expected ${HISTOGRAMS_FILE} of format ${HISTOGRAMS_FORMAT}, got ${JSON.stringify(histograms.format)}`,
    );
  }
  const run = await readJson<MergeContext>(
    dir,
    'merge-context.json',
    'written by a run with -e DISTRIBUTED=true',
  );
  const plan = existsSync(join(dir, 'plan.json'))
    ? await readJson<MergePlan>(dir, 'plan.json', "the scenario's plan")
    : undefined;
  return { name: dir, summary, histograms, run, plan };
}
