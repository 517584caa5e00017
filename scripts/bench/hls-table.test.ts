import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBenchOptions } from './bench-options.js';
import { renderHlsTable } from './hls-table.js';
import type { TargetResult } from './target-run.js';

describe('renderHlsTable', () => {
  it('shows remux cost per 3.2 Mbit/s, targets, n/a for node-media-server and the xlive/nginx ratio', () => {
    const o = parseBenchOptions(['--quick', '--hls-clients', '100']);
    const clients = { clients: 100, windowSeconds: 10, cpuPercent: 6, deliveredBytes: 400_000_000, segments: 500, playlists: 500, errors: 0, missed: 0, clientCpuPercent: 30 };
    const results: TargetResult[] = [
      {
        id: 'xlive', label: 'xlive', notes: [],
        hls: { notes: [], remux: { windowSeconds: 6, offPercent: 2, onPercent: 2.4, diff: { n: 2, mean: 0.4, ci95: 0.1 } }, clients, serverLag: { count: 10, p50: 0.003, p95: 0.009 }, lag: { samples: 4, p50: 12, p95: 20, max: 21, polls: 800, errors: 0 } },
      },
      { id: 'nms', label: 'node-media-server', notes: [], hls: { unsupported: 'v4 has no HLS', notes: [] } },
      { id: 'nginx', label: 'nginx-rtmp', notes: [], hls: { notes: [], remux: { windowSeconds: 6, offPercent: 0.4, onPercent: 0.6, diff: { n: 2, mean: 0.2, ci95: 0.05 } } } },
    ];
    const lines = renderHlsTable(results, o, 3.2).split('\n');
    assert.equal(lines[0], '| metric | xlive | node-media-server | nginx-rtmp | target | xlive/nginx |');
    assert.ok(lines.includes('| HLS remux cost, % of one core per 3.2 Mbit/s stream (mean of windows) | 0.40 | n/a (v4 has no HLS) | 0.20 | ≤ 0.4 (nginx-rtmp ~0.2) | 2.00× |'), lines.join('\n'));
    assert.ok(lines.includes('| HLS remux: CPU-s per stream-hour (the 3.2 Mbit/s clip) | 14.4 | n/a (v4 has no HLS) | 7.2 | ≤ 14.4 | 2.00× |'), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('| 100 HLS clients: server CPU above publisher-only (% of one core) | 3.6 |')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('| playlist update lag, server histogram p50 / p95 (ms) | 3.0 / 9.0 (10 segments) | n/a (v4 has no HLS) | n/a |')), lines.join('\n'));
  });
});
