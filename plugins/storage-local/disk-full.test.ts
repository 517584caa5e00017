/** Disk nearly full: live keeps working by evicting, recording is refused and paused, health fails, it resumes. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { recordingLogger } from 'xlive/sdk/testing';
import type { Harness } from './testing/harness.js';
import type { LocalStorage } from './local-storage.js';

const { StorageFullError } = await import('xlive/sdk');
const { startHarness, bytes, FakeDisk } = await import('./testing/harness.js');

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.cleanup();
});

/** Both classes on one fake filesystem whose usage is what the provider stores plus `disk.other`. */
async function onFakeDisk(config: Record<string, unknown>) {
  let provider: LocalStorage | undefined;
  const disk = new FakeDisk(1_000_000, () => (provider?.isStarted ? provider.snapshot().bytesUsed : 0));
  const { log, lines } = recordingLogger();
  const h = await startHarness({ deps: { statfs: disk.statfs }, config, log });
  harnesses.push(h);
  provider = h.provider;
  const health = async () => (await h.t.parts.health.run()).checks.find((c) => c.name === 'storage-local/disk')!;
  return { h, disk, lines, health };
}

const CONFIG = {
  live: { minFreeBytes: 20_000, minSegmentsPerStream: 2, maxSegmentsPerStream: 50 },
  recording: { minFreeBytes: 100_000, resumeMarginBytes: 50_000 },
};

describe('disk nearly full', () => {
  it('refuses recording with StorageFullError, keeps live working, reports and resumes', async () => {
    const { h, disk, lines, health } = await onFakeDisk(CONFIG);
    const p = h.provider;
    const id = await p.recordings.beginRecording('live/stage');
    const recKey = (n: number) => p.recordings.recordingKey(id, `seg-${n}.ts`);
    await p.put('recording', recKey(1), [bytes(10_000)]);
    assert.equal((await health()).status, 'ok');

    disk.other = 1_000_000 - 10_000 - 95_000; // 95 000 free < 100 000
    await assert.rejects(p.put('recording', recKey(2), [bytes(10_000)]), (e: unknown) => e instanceof StorageFullError && /paused for disk space/.test((e as Error).message));
    const u = await p.usage();
    assert.equal(u.recordingPaused, true);
    const check = await health();
    assert.equal(check.status, 'fail');
    assert.match(check.message ?? '', /recording paused for disk space/);
    assert.ok(lines.some((l) => l.level === 'warn' && l.msg === 'recording stopped for disk space'));
    assert.deepEqual(h.t.parts.events.list({ type: 'recording.paused' }).map((e) => [e.source, e.severity]), [['storage-local', 'warn']]);
    assert.equal((await p.list('recording', '')).length, 1, 'nothing of the refused put is visible');
    // A segment stored before the pause is not added to the recording while paused (SDK contract); its file goes.
    await assert.rejects(p.recordings.addRecordingSegment(id, { key: recKey(1), seq: 1, durationMs: 2000, bytes: 10_000, discontinuity: false }), StorageFullError);
    assert.deepEqual(await p.list('recording', ''), []);
    assert.equal((await p.recordings.getRecording(id))?.info.segments, 0);

    // Live keeps working while recording is paused.
    for (let i = 0; i < 5; i++) await p.put('live', `live/stage/seg-${i}.ts`, [bytes(5_000)]);
    assert.equal((await p.list('live', 'live/stage/')).length, 5);

    // Live under its own watermark evicts its oldest segments, down to the per-stream floor.
    disk.other = 1_000_000 - (await p.usage()).bytesUsed - 22_000;
    await p.put('live', 'live/stage/seg-5.ts', [bytes(5_000)]);
    assert.equal((await p.list('live', 'live/stage/')).length, 5, 'just enough is evicted: one segment');
    disk.other = 1_000_000 - (await p.usage()).bytesUsed - 5_000;
    await p.put('live', 'live/stage/seg-6.ts', [bytes(5_000)]);
    assert.deepEqual((await p.list('live', 'live/stage/')).map((o) => o.key), ['live/stage/seg-4.ts', 'live/stage/seg-5.ts', 'live/stage/seg-6.ts']);
    await p.put('live', 'live/stage/seg-7.ts', [bytes(5_000)]);
    assert.equal((await p.list('live', 'live/stage/')).length, 3, 'the floor (2 before each put) keeps the playlist playable');
    assert.equal((await health()).status, 'fail');

    // Hysteresis: above the watermark but below watermark + margin stays paused.
    disk.other = 1_000_000 - (await p.usage()).bytesUsed - 120_000;
    await p.maintain();
    assert.equal((await p.usage()).recordingPaused, true);
    await assert.rejects(p.put('recording', recKey(3), [bytes(1_000)]), StorageFullError);

    disk.other = 1_000_000 - (await p.usage()).bytesUsed - 200_000;
    await p.maintain();
    assert.equal((await p.usage()).recordingPaused, false);
    assert.ok(lines.some((l) => l.msg === 'recording resumed: disk space is back'));
    assert.equal(h.t.parts.events.list({ type: 'recording.resumed' }).length, 1);
    await p.put('recording', recKey(4), [bytes(10_000)]);
    assert.equal((await health()).status, 'ok');
  });

  it('the health check warns when the recordings disk nears the watermark', async () => {
    const { h, disk, health } = await onFakeDisk(CONFIG);
    disk.other = 1_000_000 - 130_000;
    const c = await health();
    assert.equal(c.status, 'warn');
    assert.match(c.message ?? '', /recordings disk nearly full/);
    assert.equal((await h.provider.usage()).recordingPaused, false);
  });

  it('with onLowSpace "evict-oldest", recording evicts its oldest segments instead of pausing', async () => {
    const { h, disk } = await onFakeDisk({ ...CONFIG, recording: { ...CONFIG.recording, onLowSpace: 'evict-oldest' } });
    const p = h.provider;
    const id = await p.recordings.beginRecording('live/stage');
    for (let i = 0; i < 5; i++) await p.put('recording', p.recordings.recordingKey(id, `seg-${i}.ts`), [bytes(10_000)]);
    disk.other = 1_000_000 - 50_000 - 105_000; // 105 000 free: the next 10 000 need 5 000 freed
    await p.put('recording', p.recordings.recordingKey(id, 'seg-5.ts'), [bytes(10_000)]);
    assert.deepEqual((await p.list('recording', '')).map((o) => o.key.split('/').pop()), ['seg-1.ts', 'seg-2.ts', 'seg-3.ts', 'seg-4.ts', 'seg-5.ts']);
    assert.equal((await p.usage()).recordingPaused, false);
    disk.other = 1_000_000 - 50_000 - 50_000; // the whole store could not make room
    await assert.rejects(p.put('recording', p.recordings.recordingKey(id, 'seg-6.ts'), [bytes(10_000)]), StorageFullError);
    assert.equal((await p.usage()).recordingPaused, true);
  });
});
