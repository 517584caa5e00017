/**
 * Child process of the kill -9 test: opens storage-local on `<dir>` (folders + database file) and writes
 * live segments, playlists and recorded segments in a loop until it is killed. Each segment's size and
 * fill byte derive from its sequence number, so the parent can tell a complete file from a torn one.
 * Prints `root=<temp>` (the helper's scratch folder, for the parent to delete) and `ready` once writing.
 */

const { startHarness } = await import('./harness.js');

export function segmentSize(seq: number): number {
  return 20_000 + ((seq * 7919) % 180_000);
}

export function segmentFill(seq: number): number {
  return (seq * 31 + 7) & 0xff;
}

if (process.argv[1]?.endsWith('crash-writer.js') && process.argv[2]) {
  // Never outlive a parent that died without killing us.
  setTimeout(() => process.exit(3), 20_000).unref();
  const dir = process.argv[2];
  const start = Number(process.argv[3] ?? 0);
  const h = await startHarness({ dir, config: { live: { maxSegmentsPerStream: 6 }, recording: { maxBytes: 4_000_000 } } });
  process.stdout.write(`root=${h.t.parts.root}\n`);
  const p = h.provider;
  const id = await p.recordings.beginRecording('live/stage');
  for (let seq = start; seq < start + 100_000; seq++) {
    const body = new Uint8Array(segmentSize(seq)).fill(segmentFill(seq));
    const half = body.length >> 1;
    await p.put('live', `live/stage/seg-${seq}.ts`, [body.subarray(0, half), body.subarray(half)]);
    await p.put('live', 'live/stage/index.m3u8', [new TextEncoder().encode(`#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:${seq}\n`)]);
    const key = p.recordings.recordingKey(id, `seg-${seq}.ts`);
    await p.put('recording', key, [body]);
    await p.recordings.addRecordingSegment(id, { key, seq, durationMs: 2000 + (seq % 5), bytes: body.length, discontinuity: false });
    if (seq === start + 5) process.stdout.write('ready\n');
  }
}
