/** The index is rebuilt from disk at start: files and rows removed or added behind the provider's back. */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Harness } from './testing/harness.js';

const { startHarness, listDisk, bytes } = await import('./testing/harness.js');
const { parseSidecar } = await import('./recording-sidecar.js');

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.cleanup();
});

async function assertIndexMatchesDisk(h: Harness): Promise<void> {
  const p = h.provider;
  assert.deepEqual(listDisk(h.liveDir), new Map((await p.list('live', '')).map((o) => [o.key, o.size])), 'live index = disk');
  const recFiles = [...listDisk(h.recordingsDir)].filter(([k]) => !k.endsWith('/recording.json'));
  assert.deepEqual(recFiles, (await p.list('recording', '')).map((o) => [o.key, o.size]), 'recording index = disk');
  const rows: string[] = [];
  for (const r of await p.recordings.listRecordings()) {
    const d = (await p.recordings.getRecording(r.id))!;
    rows.push(...d.segments.map((s) => s.key));
    assert.equal(d.info.segments, d.segments.length);
    assert.equal(d.info.bytes, d.segments.reduce((a, s) => a + s.bytes, 0));
    assert.ok(existsSync(join(h.recordingsDir, r.prefix, 'recording.json')), `sidecar of ${r.id}`);
  }
  const segs = recFiles.map(([k]) => k).filter((k) => k.endsWith('.ts'));
  assert.deepEqual(rows.sort(), segs.sort(), 'database rows = segment files');
}

describe('rebuild at start', () => {
  it('matches the disk after files are deleted and strays added behind its back', async () => {
    const h1 = await startHarness();
    harnesses.push(h1);
    const p1 = h1.provider;
    for (let i = 0; i < 4; i++) await p1.put('live', `live/stage/seg-${i}.ts`, [bytes(100 + i)]);
    await p1.put('live', 'live/stage/index.m3u8', [bytes(20)]);
    const a = await p1.recordings.beginRecording('live/stage');
    for (let i = 0; i < 4; i++) {
      const key = p1.recordings.recordingKey(a, `seg-${String(i).padStart(6, '0')}.ts`);
      await p1.put('recording', key, [bytes(1000 + i)]);
      await p1.recordings.addRecordingSegment(a, { key, seq: i, durationMs: 1000 * (i + 1), bytes: 1000 + i, discontinuity: false });
    }
    const b = await p1.recordings.beginRecording('live/other');
    const bKey = p1.recordings.recordingKey(b, 'seg-000007.ts');
    await p1.put('recording', bKey, [bytes(500)]);
    await p1.recordings.addRecordingSegment(b, { key: bKey, seq: 7, durationMs: 4321, bytes: 500, discontinuity: true });
    await h1.stop();

    const L = h1.liveDir;
    const R = h1.recordingsDir;
    const recA = join(R, 'live/stage', a);
    const recB = join(R, 'live/other', b);
    // Deleted behind its back: a live segment, a recorded segment (its row must go).
    unlinkSync(join(L, 'live/stage/seg-1.ts'));
    unlinkSync(join(recA, 'seg-000002.ts'));
    // Strays: temp files, files outside the layout, a too-deep file, a symlink, a bad recording folder.
    writeFileSync(join(L, 'live/stage/.tmp-0123456789abcdef'), 'torn');
    writeFileSync(join(L, 'stray.txt'), 'x');
    writeFileSync(join(L, 'live/loose.ts'), 'x');
    mkdirSync(join(L, 'live/stage/sub/deeper'), { recursive: true });
    writeFileSync(join(L, 'live/stage/sub/deeper/x.ts'), 'x');
    writeFileSync(join(L, 'live/stage/bad name.ts'), 'x');
    symlinkSync('/etc/passwd', join(L, 'live/stage/seg-9.ts'));
    writeFileSync(join(recA, '.tmp-feedfacefeedface'), 'torn');
    mkdirSync(join(R, 'live/stage/not-a-recording'), { recursive: true });
    writeFileSync(join(R, 'live/stage/not-a-recording/seg-1.ts'), 'x');
    writeFileSync(join(R, 'junk.bin'), 'x');
    // An orphan recording folder: neither row nor sidecar.
    mkdirSync(join(R, 'live/stage/20200101T000000Z-00000000'));
    writeFileSync(join(R, 'live/stage/20200101T000000Z-00000000/seg-1.ts'), 'x');
    // A segment file the index never heard of, in a known recording: indexed with an estimated duration.
    writeFileSync(join(recA, 'seg-000010.ts'), bytes(77));
    // A recording the database lost, with its sidecar: recovered with its durations.
    const c = '20240601T080000Z-c0ffee00';
    mkdirSync(join(R, 'live/third', c), { recursive: true });
    copyFileSync(join(recB, 'seg-000007.ts'), join(R, 'live/third', c, 'seg-000007.ts'));
    const sideB = JSON.parse(readFileSync(join(recB, 'recording.json'), 'utf8'));
    writeFileSync(join(R, 'live/third', c, 'recording.json'), JSON.stringify({ ...sideB, id: c, path: 'live/third', endedMs: null }));
    // A sidecar deleted: rewritten from the database.
    unlinkSync(join(recB, 'recording.json'));

    const h2 = await startHarness({ dir: h1.dir });
    harnesses.push(h2);
    const p2 = h2.provider;
    await assertIndexMatchesDisk(h2);

    assert.deepEqual((await p2.list('live', '')).map((o) => o.key), ['live/stage/index.m3u8', 'live/stage/seg-0.ts', 'live/stage/seg-2.ts', 'live/stage/seg-3.ts']);
    assert.equal(existsSync(join(L, 'stray.txt')), false);
    assert.equal(existsSync(join(L, 'live/stage/sub')), false);
    assert.equal(existsSync(join(L, 'live/stage/seg-9.ts')), false, 'the symlink is removed');
    assert.ok(readFileSync('/etc/passwd').length > 0, 'its target is not');
    assert.equal(existsSync(join(R, 'junk.bin')), false);
    assert.equal(existsSync(join(R, 'live/stage/not-a-recording')), false);
    assert.equal(existsSync(join(R, 'live/stage/20200101T000000Z-00000000')), false);

    const da = (await p2.recordings.getRecording(a))!;
    assert.deepEqual(da.segments.map((s) => [s.seq, s.durationMs]), [
      [0, 1000],
      [1, 2000],
      [3, 4000],
      [10, 2333], // unknown file: seq from its name, duration the average of the recording's known segments
    ]);
    const dc = (await p2.recordings.getRecording(c))!;
    assert.equal(dc.info.stream, 'live/third');
    assert.notEqual(dc.info.endedAt, null);
    assert.deepEqual(dc.segments.map((s) => [s.seq, s.durationMs, s.discontinuity, s.bytes]), [[7, 4321, true, 500]]);
    assert.equal(parseSidecar(readFileSync(join(recB, 'recording.json')), b).segments[0]?.durationMs, 4321, 'sidecar rewritten');
    assert.ok((await p2.recordings.getRecording(b))!.info.endedAt !== null);

    // Database rows whose folders vanished are deleted.
    await h2.stop();
    renameSync(recA, join(h1.dir, 'moved-away'));
    const h3 = await startHarness({ dir: h1.dir });
    harnesses.push(h3);
    assert.equal(await h3.provider.recordings.getRecording(a), null);
    await assertIndexMatchesDisk(h3);
    rmSync(join(h1.dir, 'moved-away'), { recursive: true, force: true });
  });
});
