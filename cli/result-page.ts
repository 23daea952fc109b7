/**
 * Writes index.html and charts/*.svg into a result folder from the files k6 and the series reader
 * left there (summary.json, series.json, capacity.json, soak.json); the rendering is
 * lib/core/results (result-charts.ts, charts.ts, index-page.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLineChart } from '../lib/core/results/charts.ts';
import { type PageChart, type PageLink, renderIndexPage } from '../lib/core/results/index-page.ts';
import { buildResultCharts, type ResultFolder } from '../lib/core/results/result-charts.ts';

async function readJson<T>(dir: string, file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Reads what a result folder holds; a missing or unreadable file is null. */
export async function readResultFolder(dir: string, scenario: string): Promise<ResultFolder> {
  const [summary, series, capacity, soak] = await Promise.all([
    readJson<ResultFolder['summary']>(dir, 'summary.json'),
    readJson<ResultFolder['series']>(dir, 'series.json'),
    readJson<ResultFolder['capacity']>(dir, 'capacity.json'),
    readJson<ResultFolder['soak']>(dir, 'soak.json'),
  ]);
  return { scenario, summary, series, capacity, soak };
}

const LINKS: readonly Omit<PageLink, 'present'>[] = [
  {
    file: 'summary.md',
    label: 'the summary in Markdown',
    missingReason: 'k6 ran no handleSummary',
  },
  { file: 'junit.xml', label: 'every threshold as a JUnit test case, for CI' },
  {
    file: 'report.html',
    label: "k6's own web dashboard export",
    missingReason: 'k6 exports it only after two dashboard snapshots; the run was shorter',
  },
  { file: 'summary.json', label: "k6's end-of-test data (no secrets)" },
  { file: 'series.json', label: 'the time series behind these charts (format: results/README.md)' },
  { file: 'capacity.json', label: 'the capacity figure and its steps' },
  { file: 'soak.json', label: "the soak's windows and drift verdict" },
];

/** Files only some scenarios write: listed when present, not marked missing otherwise. */
const OPTIONAL = new Set(['capacity.json', 'soak.json']);

/** Writes index.html and charts/<id>.svg into `dir`; returns the files written, relative to it. */
export async function writeResultPage(dir: string, scenario: string): Promise<string[]> {
  const folder = await readResultFolder(dir, scenario);
  const charts: PageChart[] = buildResultCharts(folder).map((chart) => ({
    id: chart.id,
    title: chart.title,
    svg: renderLineChart(chart),
    file: `charts/${chart.id}.svg`,
  }));
  const written: string[] = [];
  if (charts.length > 0) await mkdir(join(dir, 'charts'), { recursive: true });
  for (const chart of charts) {
    await writeFile(join(dir, chart.file), chart.svg);
    written.push(chart.file);
  }
  const links = LINKS.map((link) => ({
    ...link,
    present: existsSync(join(dir, link.file)),
  })).filter((link) => link.present || !OPTIONAL.has(link.file));
  await writeFile(join(dir, 'index.html'), renderIndexPage(folder, charts, links));
  written.push('index.html');
  return written;
}
