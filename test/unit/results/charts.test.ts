import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatTick,
  type LineChart,
  niceTicks,
  PALETTE,
  pathData,
  renderLineChart,
  timeTicks,
} from '../../../lib/core/results/charts.ts';

function chart(overrides: Partial<LineChart> = {}): LineChart {
  return {
    id: 'latency-protected',
    title: 'protected: latency over time',
    xLabel: 'time',
    yLabel: 'ms',
    formatX: (x) => `${x / 1000}s`,
    series: [
      {
        label: 'p95',
        points: [
          [0, 10],
          [1000, 12],
          [2000, null],
          [3000, 11],
          [4000, 9],
        ],
        color: PALETTE.blue,
      },
    ],
    references: [{ y: 20, label: 'SLO p95 < 20 ms', color: PALETTE.red }],
    ...overrides,
  };
}

/** The d attribute of every data path. */
function dataPaths(svg: string): string[] {
  return [...svg.matchAll(/<path class="data" d="([^"]*)"/g)].map((match) => match[1] ?? '');
}

describe('renderLineChart', () => {
  it('draws a standalone SVG: axes, ticks, one path per series broken at gaps, the SLO line', () => {
    const svg = renderLineChart(chart());
    assert.match(
      svg,
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" id="chart-latency-protected"/,
    );
    assert.match(svg, /<\/svg>\n$/);
    const [d] = dataPaths(svg);
    // Two runs of points: M…L… then M…L… after the gap.
    assert.equal(d?.match(/M/g)?.length, 2);
    assert.equal(d?.match(/L/g)?.length, 2);
    assert.match(svg, /<g class="reference"><line [^>]*stroke-dasharray="6 4"/);
    assert.match(svg, />SLO p95 &lt; 20 ms</);
    assert.ok((svg.match(/class="tick"/g)?.length ?? 0) >= 6, 'ticks on both axes');
    assert.doesNotMatch(svg, /<script|href=/);
  });

  it('writes an SLO far above the data as a note, so the data is not flattened against the axis', () => {
    const svg = renderLineChart(
      chart({ references: [{ y: 500, label: 'SLO p95 < 500 ms', color: '#d62728' }] }),
    );
    assert.doesNotMatch(svg, /class="reference"/);
    assert.match(svg, /class="reference-note"[^>]*>SLO p95 &lt; 500 ms: far above this chart</);
    // The top tick follows the data (12 ms), not the SLO.
    const ticks = [...svg.matchAll(/<g class="y-axis">[\s\S]*?<\/g>/g)][0]?.[0] ?? '';
    assert.doesNotMatch(ticks, />500</);
  });

  it('escapes every text it interpolates', () => {
    const svg = renderLineChart(
      chart({
        title: '<script>alert("x")</script>',
        series: [{ label: 'a&b', points: [[0, 1]], color: '#000' }],
      }),
    );
    assert.doesNotMatch(svg, /<script>/);
    assert.match(svg, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(svg, /data-label="a&amp;b"/);
  });

  it('marks a lone point with a dot, and every point of a series that asks for dots', () => {
    assert.equal(renderLineChart(chart()).match(/<circle /g)?.length, undefined);
    const lone = chart({
      series: [
        {
          label: 'p95',
          points: [
            [0, 1],
            [1, null],
            [2, 3],
            [3, null],
          ],
          color: '#000',
        },
      ],
    });
    assert.equal(renderLineChart(lone).match(/<circle /g)?.length, 2);
    const dotted = chart({
      series: [
        {
          label: 'x',
          points: [
            [0, 1],
            [1, 2],
            [2, 3],
          ],
          color: '#000',
          dots: true,
        },
      ],
    });
    assert.equal(renderLineChart(dotted).match(/<circle /g)?.length, 3);
  });

  it('shortens a caption longer than a line, keeping the whole of it in the title', () => {
    const caption = `flat over time ${'x'.repeat(200)}`;
    const svg = renderLineChart(chart({ caption }));
    assert.match(svg, /<text x="68" y="36" fill="#555">flat over time x{109}…<\/text>/);
    assert.ok(
      svg.includes(
        `<title id="chart-latency-protected-title">protected: latency over time: ${caption}</title>`,
      ),
    );
  });

  it('labels markers inside the plot on either half', () => {
    const svg = renderLineChart(
      chart({
        markers: [
          { x: 500, label: 'capacity 10/s', color: '#2ca02c' },
          { x: 3900, label: 'breaks: step 3 (15/s)', color: '#d62728' },
        ],
      }),
    );
    assert.match(svg, /dx="4" fill="#2ca02c">capacity 10\/s</);
    assert.match(svg, /dx="-4" text-anchor="end" fill="#d62728">breaks: step 3 \(15\/s\)</);
  });
});

describe('axis helpers', () => {
  it('picks round ticks 1, 2 or 5 × 10^k apart', () => {
    assert.deepEqual(niceTicks(0, 12.96), [0, 2, 4, 6, 8, 10, 12]);
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(3, 3), [3]);
  });

  it('picks whole seconds, minutes or hours on a time axis', () => {
    assert.deepEqual(timeTicks(0, 11_000), [0, 2000, 4000, 6000, 8000, 10_000]);
    assert.deepEqual(timeTicks(0, 7_200_000), [0, 1_800_000, 3_600_000, 5_400_000, 7_200_000]);
  });

  it('formats ticks short', () => {
    assert.equal(formatTick(0), '0');
    assert.equal(formatTick(0.30000000000000004), '0.3');
    assert.equal(formatTick(25_000), '25k');
    assert.equal(formatTick(1_500_000), '1.5M');
  });

  it('joins points into path data, starting again after each gap', () => {
    assert.equal(pathData([[0, 0], [1, 1], null, [2, 2]]), 'M0,0L1,1 M2,2');
    assert.equal(pathData([]), '');
  });
});
