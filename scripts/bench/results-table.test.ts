import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBenchOptions } from './bench-options.js';
import { renderTable, ratio } from './results-table.js';
import type { TargetResult } from './target-run.js';
import type { PhaseResult } from './viewer-phase.js';

function phase(over: Partial<PhaseResult>): PhaseResult {
  return {
    protocol: 'rtmp', viewers: 10, started: 10, failures: 0, disconnects: 0, windowSeconds: 10, cpuSeconds: 1, cpuPercent: 10,
    deliveredBytes: 125_000_000, cpuPerGbit: 1, rssBeforeKiB: 1000, rssPeakKiB: 2000, perViewerKiB: 100, firstKeyframeP50: 10,
    firstKeyframeP95: 20, latencyP50: 1, latencyP95: 2, unmatchedFrames: 0, clientCpuPercent: 5, ...over,
  };
}

describe('renderTable', () => {
  it('formats ratios xlive/other', () => {
    assert.equal(ratio(1, 4), '0.25×');
    assert.equal(ratio(1, 0), '—');
    assert.equal(ratio(undefined, 4), '—');
  });

  it('has a column per server, ratio columns, and n/a for HTTP-FLV on nginx', () => {
    const o = parseBenchOptions(['--quick', '--viewers', '10']);
    const results: TargetResult[] = [
      { id: 'xlive', label: 'xlive', notes: [], rtmp: phase({ cpuPerGbit: 0.5 }), flv: phase({ protocol: 'http-flv' }) },
      { id: 'nms', label: 'node-media-server', notes: [], rtmp: phase({ cpuPerGbit: 2 }), flv: phase({ protocol: 'http-flv' }) },
      { id: 'nginx', label: 'nginx-rtmp', notes: [], rtmp: phase({ cpuPerGbit: 0.25 }) },
    ];
    const table = renderTable(results, o);
    const lines = table.split('\n');
    assert.equal(lines[0], '| metric | xlive | node-media-server | nginx-rtmp | xlive/nms | xlive/nginx |');
    assert.ok(lines.includes('| CPU-s per Gbit delivered, RTMP (10 viewers) | 0.50 | 2.00 | 0.25 | 0.25× | 2.00× |'), table);
    assert.ok(lines.some((l) => l.startsWith('| CPU-s per Gbit delivered, HTTP-FLV (10 viewers) | 1.00 | 1.00 | n/a |')), table);
  });
});
