import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamStats } from '../sdk/streams.js';
import { StreamHistory } from './stream-history.js';

const stats = (path: string, bitrateBps: number, readers = 0): StreamStats => ({
  path,
  app: path.split('/')[0]!,
  name: path.split('/')[1]!,
  publisher: { protocol: 'rtmp', since: 0, sessionId: 's' },
  media: {} as StreamStats['media'],
  metadata: {},
  ingest: { bitrateBps, fps: 25, frames: 0, bytes: 0, keyframeIntervalMs: 2000 },
  readers,
  readersByProtocol: readers ? { 'http-flv': readers } : {},
  drops: { frames: 0, slowDisconnects: 0 },
  gopCacheBytes: 0,
  uptimeMs: 0,
});

describe('StreamHistory', () => {
  it('keeps window / interval points per stream, oldest first, whatever the uptime', () => {
    const h = new StreamHistory({ intervalMs: 10_000, windowMs: 60_000, maxStreams: 4 });
    for (let i = 0; i < 1000; i++) h.sample([stats('live/a', 1000 + i, i % 3)], i * 10_000);
    const points = h.get('live/a')!;
    assert.equal(points.length, 6);
    assert.deepEqual(points.map((p) => p.bitrateBps), [1994, 1995, 1996, 1997, 1998, 1999]);
    assert.deepEqual(points.map((p) => p.readers), [1, 2, 0, 1, 2, 0]);
    assert.deepEqual(points.at(-2)!.readersByProtocol, { 'http-flv': 2 });
  });

  it('marks the end of a publish with one not-live point, then forgets the stream once it leaves the window', () => {
    const h = new StreamHistory({ intervalMs: 10_000, windowMs: 30_000, maxStreams: 4 });
    h.sample([stats('live/a', 5000)], 0);
    h.sample([], 10_000);
    h.sample([], 20_000);
    assert.deepEqual(h.get('live/a')!.map((p) => [p.t, p.live, p.bitrateBps]), [[0, true, 5000], [10_000, false, 0]]);
    h.sample([], 50_000);
    assert.equal(h.get('live/a'), undefined);
  });

  it('holds at most maxStreams, forgetting the longest-ended first and never a live one', () => {
    const h = new StreamHistory({ intervalMs: 1000, windowMs: 600_000, maxStreams: 3 });
    h.sample([stats('live/old', 1)], 0);
    h.sample([stats('live/mid', 1)], 1000);
    h.sample([stats('live/x', 1), stats('live/y', 1), stats('live/z', 1)], 2000);
    assert.equal(h.get('live/old'), undefined);
    assert.equal(h.get('live/mid'), undefined);
    for (const p of ['live/x', 'live/y', 'live/z']) assert.ok(h.get(p));
  });
});
