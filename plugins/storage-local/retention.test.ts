import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClassLimits } from './config.js';
import { ObjectIndex } from './object-index.js';
import { enforceAge, enforceFreeSpace, enforceLimits } from './retention.js';

const NONE: ClassLimits = { maxSegmentsPerStream: 0, maxBytesPerStream: 0, maxSegments: 0, maxBytes: 0, maxAgeMs: 0, minFreeBytes: 0, minFreePercent: 0 };

function fill(index: ObjectIndex, stream: string, n: number, size = 100, t0 = 0): void {
  for (let i = 0; i < n; i++) {
    index.add({ key: `${stream}/seg-${i}.ts`, streamPath: stream, kind: 'segment', size, mtimeMs: t0 + i, recordingId: null });
  }
}

function playlist(index: ObjectIndex, stream: string, size = 50, mtimeMs = 0): void {
  index.add({ key: `${stream}/index.m3u8`, streamPath: stream, kind: 'playlist', size, mtimeMs, recordingId: null });
}

describe('retention', () => {
  it('evicts the oldest segments of a stream over its count, never its playlist', () => {
    const idx = new ObjectIndex();
    playlist(idx, 'a/s');
    fill(idx, 'a/s', 25);
    const v = enforceLimits(idx, { ...NONE, maxSegmentsPerStream: 20 });
    assert.deepEqual(v.map((x) => x.entry.key), [0, 1, 2, 3, 4].map((i) => `a/s/seg-${i}.ts`));
    assert.ok(v.every((x) => x.reason === 'stream-count'));
    assert.equal(idx.streamSegmentCount('a/s'), 20);
    assert.ok(idx.get('a/s/index.m3u8'));
  });

  it('makes room for an incoming segment before it is written', () => {
    const idx = new ObjectIndex();
    fill(idx, 'a/s', 3, 100);
    const v = enforceLimits(idx, { ...NONE, maxSegmentsPerStream: 3, maxBytesPerStream: 300 }, { streamPath: 'a/s', kind: 'segment', size: 150 });
    assert.deepEqual(v.map((x) => [x.entry.key, x.reason]), [
      ['a/s/seg-0.ts', 'stream-count'],
      ['a/s/seg-1.ts', 'stream-bytes'],
    ]);
    assert.equal(idx.totals().bytes + 150, 250);
  });

  it('counts reservations of puts in flight', () => {
    const idx = new ObjectIndex();
    fill(idx, 'a/s', 2);
    const r = idx.reserve('a/s', 'segment', 100);
    const v = enforceLimits(idx, { ...NONE, maxSegmentsPerStream: 2 });
    assert.equal(v.length, 1);
    r.release();
    assert.deepEqual(idx.totals(), { bytes: 100, segments: 1 });
  });

  it('evicts oldest first across streams for overall count and bytes', () => {
    const idx = new ObjectIndex();
    fill(idx, 'a/old', 3, 100, 0);
    fill(idx, 'a/new', 3, 100, 10);
    const v = enforceLimits(idx, { ...NONE, maxSegments: 5, maxBytes: 350 });
    assert.deepEqual(v.map((x) => [x.entry.key, x.reason]), [
      ['a/old/seg-0.ts', 'count'],
      ['a/old/seg-1.ts', 'bytes'],
      ['a/old/seg-2.ts', 'bytes'],
    ]);
    assert.equal(idx.stored().bytes, 300);
  });

  it('bytes limits count playlists but only evict segments', () => {
    const idx = new ObjectIndex();
    playlist(idx, 'a/s', 1000);
    fill(idx, 'a/s', 2, 100);
    const v = enforceLimits(idx, { ...NONE, maxBytes: 500 });
    assert.equal(v.length, 2);
    assert.equal(idx.stored().bytes, 1000, 'the playlist stays even over the limit');
  });

  it('evicts by age; playlists only when asked', () => {
    const idx = new ObjectIndex();
    playlist(idx, 'a/s', 10, 0);
    fill(idx, 'a/s', 10, 10, 0);
    const v = enforceAge(idx, 5, 10, false);
    assert.deepEqual(v.map((x) => x.entry.key), [0, 1, 2, 3, 4].map((i) => `a/s/seg-${i}.ts`));
    assert.equal(enforceAge(idx, 5, 10, true).map((x) => x.entry.key).join(), 'a/s/index.m3u8');
    assert.deepEqual(enforceAge(idx, 0, 1e12, true), [], 'maxAge 0 means no limit');
  });

  it('frees space oldest first, keeping a floor per stream', () => {
    const idx = new ObjectIndex();
    fill(idx, 'a/x', 4, 100, 0);
    fill(idx, 'a/y', 2, 100, 10);
    const v = enforceFreeSpace(idx, 10_000, 2);
    assert.deepEqual(v.map((x) => x.entry.key), ['a/x/seg-0.ts', 'a/x/seg-1.ts']);
    assert.equal(idx.streamSegmentCount('a/x'), 2);
    assert.equal(idx.streamSegmentCount('a/y'), 2);
    assert.equal(enforceFreeSpace(idx, 150, 0).length, 2, 'stops once enough is freed');
  });
});
