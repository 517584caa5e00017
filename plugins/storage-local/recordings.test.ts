/** The recordings API the HLS plugin calls: begin/add/end/list/get/delete, sidecars, retention. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Harness } from './testing/harness.js';

const { ConflictError, NotFoundError, ValidationError } = await import('xlive/sdk');
const { harnessOpener, bytes, FakeClock } = await import('./testing/harness.js');
const { parseSidecar } = await import('./recording-sidecar.js');

const { open } = harnessOpener();

async function record(h: Harness, id: string, seq: number, size: number, durationMs = 2000, discontinuity = false): Promise<string> {
  const key = h.provider.recordings.recordingKey(id, `seg-${String(seq).padStart(6, '0')}.ts`);
  await h.provider.put('recording', key, [bytes(size, seq & 0xff)]);
  await h.provider.recordings.addRecordingSegment(id, { key, seq, durationMs, bytes: size, discontinuity });
  return key;
}

describe('recordings', () => {
  it('answers shouldRecord from record / recordAll', async () => {
    const h = await open({ config: { record: { 'live/stage': true, 'live/private': false }, recordAll: false } });
    assert.equal(h.provider.recordings.shouldRecord('live/stage'), true);
    assert.equal(h.provider.recordings.shouldRecord('live/private'), false);
    assert.equal(h.provider.recordings.shouldRecord('live/other'), false);
    const all = await open({ config: { record: { 'live/private': false }, recordAll: true } });
    assert.equal(all.provider.recordings.shouldRecord('live/other'), true);
    assert.equal(all.provider.recordings.shouldRecord('live/private'), false);
  });

  it('answers shouldRecord with a live request first, then the persisted "always record", then the config', async () => {
    const h = await open({ config: { record: { 'live/stage': true }, recordAll: false } });
    const r = h.provider.recordings;
    r.setAlwaysRecord('live/stage', false);
    r.setAlwaysRecord('live/other', true);
    assert.equal(r.shouldRecord('live/stage'), false, 'the stream setting wins over the config');
    assert.equal(r.shouldRecord('live/other'), true);
    r.setLiveRecording('live/other', false);
    assert.equal(r.shouldRecord('live/other'), false, 'a live stop wins over "always"');
    assert.equal(r.liveRecording('live/other'), false);
    r.setLiveRecording('live/other', null);
    assert.equal(r.shouldRecord('live/other'), true);
    r.setAlwaysRecord('live/stage', null);
    assert.equal(r.shouldRecord('live/stage'), true, 'null follows the config again');
    assert.throws(() => r.setAlwaysRecord('../x', true), ValidationError);
    // Persisted: a restarted provider on the same database still has it.
    const again = await h.restart();
    assert.equal(again.provider.recordings.alwaysRecord('live/other'), true);
    assert.equal(again.provider.recordings.alwaysRecord('live/stage'), null);
  });

  it('drops a live start/stop request when the publisher leaves', async () => {
    const h = await open();
    const r = h.provider.recordings;
    const pub = h.t.parts.hub.publish('live/now', { protocol: 'test' });
    r.setLiveRecording('live/now', true);
    assert.equal(r.shouldRecord('live/now'), true);
    pub.close();
    assert.equal(r.liveRecording('live/now'), null);
    assert.equal(r.shouldRecord('live/now'), false);
  });

  it('records, lists, serves a VOD segment list, ends and deletes', async () => {
    const clock = new FakeClock();
    const h = await open({ deps: { now: clock.now } });
    const id = await h.provider.recordings.beginRecording('live/stage');
    assert.match(id, /^20250101T120000Z-[0-9a-f]{8}$/);
    for (let seq = 0; seq < 3; seq++) {
      clock.advance(2000);
      await record(h, id, seq, 1000 + seq, 2000 + seq, seq === 2);
    }
    await h.provider.put('recording', h.provider.recordings.recordingKey(id, 'index.m3u8'), [bytes(10)]);

    const [info] = await h.provider.recordings.listRecordings('live/stage');
    assert.deepEqual(info, {
      id,
      stream: 'live/stage',
      startedAt: '2025-01-01T12:00:00.000Z',
      endedAt: null,
      segments: 3,
      bytes: 3003,
      durationMs: 6003,
      prefix: `live/stage/${id}/`,
      startedMs: Date.UTC(2025, 0, 1, 12),
      endedMs: null,
    });
    assert.deepEqual(await h.provider.recordings.listRecordings('live/other'), []);
    const detail = await h.provider.recordings.getRecording(id);
    assert.deepEqual(
      detail?.segments.map((s) => [s.seq, s.durationMs, s.bytes, s.discontinuity]),
      [
        [0, 2000, 1000, false],
        [1, 2001, 1001, false],
        [2, 2002, 1002, true],
      ],
    );

    clock.advance(1000);
    await h.provider.recordings.endRecording(id);
    await h.provider.recordings.endRecording(id); // idempotent
    assert.equal((await h.provider.recordings.getRecording(id))?.info.endedAt, '2025-01-01T12:00:07.000Z');
    const side = parseSidecar(readFileSync(join(h.recordingsDir, 'live/stage', id, 'recording.json')), id);
    assert.equal(side.endedMs, Date.UTC(2025, 0, 1, 12) + 7000);
    assert.deepEqual(side.segments.map((s) => [s.file, s.seq, s.durationMs, s.discontinuity]), [
      ['seg-000000.ts', 0, 2000, false],
      ['seg-000001.ts', 1, 2001, false],
      ['seg-000002.ts', 2, 2002, true],
    ]);
    await assert.rejects(record(h, id, 3, 10), ConflictError);

    await h.provider.recordings.deleteRecording(id);
    assert.equal(await h.provider.recordings.getRecording(id), null);
    assert.equal(existsSync(join(h.recordingsDir, 'live/stage', id)), false);
    assert.deepEqual(await h.provider.list('recording', ''), []);
    await assert.rejects(h.provider.recordings.deleteRecording(id), NotFoundError);
  });

  it('validates what the HLS plugin registers', async () => {
    const h = await open();
    const a = await h.provider.recordings.beginRecording('live/a');
    const b = await h.provider.recordings.beginRecording('live/b');
    await assert.rejects(h.provider.recordings.beginRecording('../x'), ValidationError);
    await assert.rejects(h.provider.recordings.beginRecording('live'), ValidationError);
    const keyA = h.provider.recordings.recordingKey(a, 'seg-000001.ts');
    await assert.rejects(h.provider.recordings.addRecordingSegment(a, { key: keyA, seq: 1, durationMs: 2000, bytes: 5, discontinuity: false }), NotFoundError, 'not stored yet');
    await h.provider.put('recording', keyA, [bytes(5)]);
    await assert.rejects(h.provider.recordings.addRecordingSegment(b, { key: keyA, seq: 1, durationMs: 2000, bytes: 5, discontinuity: false }), ValidationError, 'other recording');
    await assert.rejects(h.provider.recordings.addRecordingSegment(a, { key: keyA, seq: 1, durationMs: 2000, bytes: 6, discontinuity: false }), ValidationError, 'size mismatch');
    await assert.rejects(h.provider.recordings.addRecordingSegment(a, { key: keyA, seq: -1, durationMs: 2000, bytes: 5, discontinuity: false }), ValidationError);
    await assert.rejects(h.provider.recordings.addRecordingSegment(a, { key: keyA, seq: 1, durationMs: NaN, bytes: 5, discontinuity: false }), ValidationError);
    await assert.rejects(h.provider.recordings.addRecordingSegment('20990101T000000Z-00000000', { key: keyA, seq: 1, durationMs: 1, bytes: 5, discontinuity: false }), NotFoundError);
    await assert.rejects(h.provider.recordings.addRecordingSegment('../../etc', { key: keyA, seq: 1, durationMs: 1, bytes: 5, discontinuity: false }), ValidationError);
    await assert.rejects(h.provider.put('recording', 'live/a/20990101T000000Z-00000000/seg-1.ts', [bytes(1)]), NotFoundError, 'no such recording');
    await h.provider.recordings.addRecordingSegment(a, { key: keyA, seq: 1, durationMs: 2000, bytes: 5, discontinuity: false });
    assert.equal((await h.provider.recordings.getRecording(a))?.info.segments, 1);
  });

  it('retention evicts the oldest recorded segments, drops their rows and empty ended recordings', async () => {
    const h = await open({ config: { recording: { maxBytes: 10_000 } } });
    const old = await h.provider.recordings.beginRecording('live/stage');
    for (let seq = 0; seq < 4; seq++) await record(h, old, seq, 2000);
    await h.provider.recordings.endRecording(old);
    const cur = await h.provider.recordings.beginRecording('live/stage');
    for (let seq = 0; seq < 3; seq++) await record(h, cur, seq, 2000);
    // 14 000 bytes were offered to a 10 000 byte budget: the old recording lost its two oldest segments.
    assert.deepEqual((await h.provider.recordings.getRecording(old))?.segments.map((s) => s.seq), [2, 3]);
    assert.equal((await h.provider.usage()).bytesUsed <= 10_000 + 200, true);
    const side = parseSidecar(readFileSync(join(h.recordingsDir, 'live/stage', old, 'recording.json')), old);
    assert.deepEqual(side.segments.map((s) => s.seq), [2, 3], 'the sidecar follows the index');

    for (let seq = 3; seq < 5; seq++) await record(h, cur, seq, 2000);
    assert.equal(await h.provider.recordings.getRecording(old), null, 'an ended recording left without segments is removed');
    assert.equal(existsSync(join(h.recordingsDir, 'live/stage', old)), false);
    assert.equal((await h.provider.recordings.getRecording(cur))?.info.segments, 5);

    await h.provider.delete('recording', h.provider.recordings.recordingKey(cur, 'seg-000000.ts'));
    assert.deepEqual((await h.provider.recordings.getRecording(cur))?.segments.map((s) => s.seq), [1, 2, 3, 4], 'delete() drops the row too');
  });

  it('age retention removes week-old recordings', async () => {
    const clock = new FakeClock();
    const h = await open({ deps: { now: clock.now }, config: { recording: { maxAgeSeconds: 3600 } } });
    const id = await h.provider.recordings.beginRecording('live/stage');
    await record(h, id, 0, 100);
    await h.provider.recordings.endRecording(id);
    clock.advance(3599_000);
    await h.provider.maintain();
    assert.ok(await h.provider.recordings.getRecording(id));
    clock.advance(2000);
    await h.provider.maintain();
    assert.equal(await h.provider.recordings.getRecording(id), null);
  });
});
