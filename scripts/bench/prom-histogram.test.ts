import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramDelta, histogramQuantile, parseHistogram } from './prom-histogram.js';

const NAME = 'xlive_hls_playlist_update_lag_seconds';

function scrape(counts: number[], sum: number): string {
  const les = ['0.002', '0.005', '0.01', '0.025', '0.05', '+Inf'];
  return [
    `# HELP ${NAME} Time from the keyframe closing a segment to the live playlist listing it`,
    `# TYPE ${NAME} histogram`,
    ...les.map((le, i) => `${NAME}_bucket{le="${le}"} ${counts[i]}`),
    `${NAME}_sum ${sum}`,
    `${NAME}_count ${counts[counts.length - 1]}`,
    'xlive_other_total 3',
  ].join('\n');
}

describe('parseHistogram', () => {
  it('reads buckets, sum and count, summing label sets', () => {
    const h = parseHistogram(scrape([1, 3, 6, 8, 10, 10], 0.1), NAME)!;
    assert.deepEqual(h.buckets.map((b) => [b.le, b.count]), [[0.002, 1], [0.005, 3], [0.01, 6], [0.025, 8], [0.05, 10], [Infinity, 10]]);
    assert.deepEqual([h.sum, h.count], [0.1, 10]);
    const two = parseHistogram(`${NAME}_bucket{stream="a",le="0.01"} 2\n${NAME}_bucket{stream="b",le="0.01"} 3\n${NAME}_bucket{le="+Inf",stream="a"} 5\n`, NAME)!;
    assert.deepEqual(two.buckets, [{ le: 0.01, count: 5 }, { le: Infinity, count: 5 }]);
  });

  it('answers undefined when the metric is absent', () => {
    assert.equal(parseHistogram('xlive_up 1\n', NAME), undefined);
    assert.equal(parseHistogram('', NAME), undefined);
  });
});

describe('histogramQuantile', () => {
  it('interpolates inside the bucket holding the rank', () => {
    const h = parseHistogram(scrape([0, 0, 10, 10, 20, 20], 0), NAME)!;
    // p50: rank 10 ends the (0.005, 0.01] bucket exactly.
    assert.equal(histogramQuantile(h, 0.5), 0.01);
    // p75: rank 15, halfway through (0.025, 0.05].
    assert.ok(Math.abs(histogramQuantile(h, 0.75)! - 0.0375) < 1e-12);
    // p25: rank 5, halfway through (0.005, 0.01].
    assert.ok(Math.abs(histogramQuantile(h, 0.25)! - 0.0075) < 1e-12);
  });

  it('starts the first bucket at 0, caps at the largest finite bound and is undefined when empty', () => {
    assert.equal(histogramQuantile({ buckets: [{ le: 0.01, count: 4 }, { le: Infinity, count: 4 }], sum: 0, count: 4 }, 0.5), 0.005);
    assert.equal(histogramQuantile({ buckets: [{ le: 0.01, count: 1 }, { le: Infinity, count: 4 }], sum: 0, count: 4 }, 0.95), 0.01);
    assert.equal(histogramQuantile({ buckets: [{ le: Infinity, count: 0 }], sum: 0, count: 0 }, 0.5), undefined);
  });

  it('measures only what happened between two scrapes', () => {
    const before = parseHistogram(scrape([5, 5, 5, 5, 5, 5], 0.01), NAME)!;
    const after = parseHistogram(scrape([5, 5, 5, 15, 15, 15], 0.2), NAME)!;
    const d = histogramDelta(after, before);
    assert.equal(d.count, 10);
    assert.ok(Math.abs(d.sum - 0.19) < 1e-12);
    assert.ok(Math.abs(histogramQuantile(d, 0.5)! - 0.0175) < 1e-12);
    assert.deepEqual(histogramDelta(after, undefined).count, 15);
  });
});
