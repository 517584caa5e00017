/**
 * A long seeded random run (thousands of puts of random sizes, deletes, clock jumps, other programs
 * filling the disk): after every operation usage stays within every bound, and at the end the index
 * equals the disk, with no temp file left.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Harness } from './testing/harness.js';
import type { LocalStorage } from './local-storage.js';
import { SeededRandom } from 'xlive/sdk/testing';

const { StorageFullError } = await import('xlive/sdk');
const { startHarness, bytes, listDisk, FakeDisk, FakeClock } = await import('./testing/harness.js');

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.cleanup();
});

const LIVE = {
  maxSegmentsPerStream: 5,
  maxBytesPerStream: 40_000,
  maxSegments: 24,
  maxBytes: 150_000,
  maxAgeSeconds: 60,
  minFreeBytes: 50_000,
  minSegmentsPerStream: 0,
};
const STREAMS = ['live/a', 'live/b', 'live/c', 'live/d', 'live/e', 'live/f'];

async function setup(recording: Record<string, unknown> = {}) {
  // fsync is for power loss; these runs only need the logic, not the SD-card durability.
  let provider: LocalStorage | undefined;
  const disk = new FakeDisk(400_000, () => (provider?.isStarted ? provider.snapshot().bytesUsed : 0));
  const clock = new FakeClock();
  const h = await startHarness({ deps: { statfs: disk.statfs, now: clock.now }, config: { live: LIVE, recording, fsyncRecordings: false } });
  harnesses.push(h);
  provider = h.provider;
  return { h, p: h.provider, disk, clock };
}

function checkLiveBounds(p: LocalStorage): void {
  const all = p.snapshot().live;
  assert.ok(all.segments <= LIVE.maxSegments, `segments ${all.segments}`);
  assert.ok(all.bytesUsed <= LIVE.maxBytes, `bytes ${all.bytesUsed}`);
}

describe('retention over a long random run', () => {
  it('never exceeds count, bytes, age or free-space bounds (2500 operations)', async () => {
    const { h, p, disk, clock } = await setup();
    const rnd = new SeededRandom(20250101);
    const seq = new Map<string, number>();
    let puts = 0;
    for (let op = 0; op < 2500; op++) {
      const r = rnd.next();
      if (r < 0.75) {
        const stream = rnd.pick(STREAMS);
        const n = (seq.get(stream) ?? 0) + 1;
        seq.set(stream, n);
        await p.put('live', `${stream}/seg-${n}.ts`, [bytes(1 + rnd.int(6_000)), bytes(rnd.int(6_000))]);
        puts++;
        // After a put: every bound holds, and the disk keeps its watermark (other usage is capped so it can).
        const free = (await disk.statfs()).bytesFree;
        assert.ok(free >= LIVE.minFreeBytes, `free ${free} after put ${op}`);
        for (const s of STREAMS) {
          const objs = await p.list('live', `${s}/`);
          const segs = objs.filter((o) => o.key.endsWith('.ts'));
          assert.ok(segs.length <= LIVE.maxSegmentsPerStream, `${s}: ${segs.length} segments`);
          assert.ok(objs.reduce((a, o) => a + o.size, 0) <= LIVE.maxBytesPerStream, `${s} bytes`);
        }
      } else if (r < 0.83) {
        await p.put('live', `${rnd.pick(STREAMS)}/index.m3u8`, [bytes(100 + rnd.int(200))]);
      } else if (r < 0.88) {
        const objs = await p.list('live', '');
        if (objs.length > 0) await p.delete('live', rnd.pick(objs).key);
      } else if (r < 0.93) {
        clock.advance(1_000 + rnd.int(20_000));
        await p.maintain();
        const cutoff = clock.ms - LIVE.maxAgeSeconds * 1000;
        assert.ok((await p.list('live', '')).every((o) => o.mtimeMs >= cutoff), 'nothing older than maxAge after maintenance');
      } else {
        disk.other = rnd.int(230_000);
      }
      checkLiveBounds(p);
    }
    assert.ok(puts > 1700);
    const index = new Map((await p.list('live', '')).map((o) => [o.key, o.size]));
    assert.deepEqual(listDisk(h.liveDir), new Map([...index].sort(([a], [b]) => (a < b ? -1 : 1))), 'the index equals the disk, no temp files');
  });

  it('keeps recordings within maxBytes and the watermark, refusing only when nothing can give way (500 puts)', async () => {
    const { h, p, disk } = await setup({ maxBytes: 120_000, minFreeBytes: 60_000, resumeMarginBytes: 10_000, onLowSpace: 'evict-oldest', maxSegmentsPerStream: 30 });
    const rnd = new SeededRandom(7);
    let ids = [await p.recordings.beginRecording('live/a'), await p.recordings.beginRecording('live/b')];
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      if (rnd.next() < 0.05) disk.other = rnd.int(300_000);
      if (rnd.next() < 0.02) {
        await p.recordings.endRecording(ids[0]!);
        ids = [ids[1]!, await p.recordings.beginRecording(rnd.pick(['live/a', 'live/b']))];
      }
      const id = rnd.pick(ids);
      const size = 1 + rnd.int(8_000);
      const key = p.recordings.recordingKey(id, `seg-${i}.ts`);
      try {
        await p.put('recording', key, [bytes(size)]);
        await p.recordings.addRecordingSegment(id, { key, seq: i, durationMs: 2000, bytes: size, discontinuity: false });
        assert.ok((await disk.statfs()).bytesFree >= 60_000, 'a stored segment never takes the disk below its watermark');
      } catch (err) {
        assert.ok(err instanceof StorageFullError, String(err));
        refused++;
      }
      const snap = p.snapshot().recording;
      assert.ok(snap.bytesUsed <= 120_000, `recording bytes ${snap.bytesUsed}`);
      assert.ok(snap.segments <= 30 * 3);
    }
    assert.ok(refused < 500);
    // The index, the database and the disk agree.
    const disk1 = listDisk(h.recordingsDir);
    const objects = await p.list('recording', '');
    const segRows = (await Promise.all((await p.recordings.listRecordings()).map((r) => p.recordings.getRecording(r.id)))).flatMap((r) => r!.segments.map((s) => s.key));
    assert.deepEqual([...disk1.keys()].filter((k) => !k.endsWith('recording.json')), objects.map((o) => o.key));
    assert.deepEqual(segRows.sort(), objects.map((o) => o.key));
  });
});
