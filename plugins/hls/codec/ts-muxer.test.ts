import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from 'xlive/sdk';
import { TsMuxer, TS_PID } from './ts-muxer.js';
import { TS_CLOCK_WRAP } from './ts-timestamp.js';
import {
  aacFrame,
  aacSequenceHeaderFrame,
  avcFrame,
  avcSequenceHeaderFrame,
  TEST_SPS,
} from '../testing/synthetic-frames.js';
import { TestFrame } from '../testing/test-frame.js';
import { collectPes, inspectPackets } from '../testing/ts-inspect.js';

function avMuxer(opts = {}): TsMuxer {
  const m = new TsMuxer(opts);
  assert.equal(m.setSequenceHeader(avcSequenceHeaderFrame()), 'tracks');
  assert.equal(m.setSequenceHeader(aacSequenceHeaderFrame()), 'tracks');
  return m;
}

test('tables(): PAT then PMT (H.264 on 0x100 as PCR PID, AAC on 0x101), like ffmpeg', () => {
  const t = avMuxer().tables();
  const pkts = inspectPackets(t);
  assert.deepEqual(pkts.map((p) => [p.pid, p.unitStart, p.cc]), [[0, true, 0], [0x1000, true, 0]]);
  assert.equal(pkts[1]!.payload.subarray(1, 27).toString('hex'), '02b0170001c10000e100f0001be100f0000fe101f0002f44b99b');
});

test('a keyframe: PUSI, PCR = DTS, random access, PES with PTS/DTS, then AUD, SPS, PPS, IDR', () => {
  const m = avMuxer();
  m.tables();
  const ts = m.muxFrame(avcFrame(1000, true, { cts: 40, size: 500 }))!;
  const pkts = inspectPackets(ts);
  assert.ok(pkts.every((p) => p.pid === TS_PID.VIDEO));
  assert.equal(pkts[0]!.unitStart, true);
  assert.equal(pkts[0]!.randomAccess, true);
  assert.equal(pkts[0]!.pcr, 90000);
  const [pes] = collectPes(ts, [TS_PID.VIDEO]);
  assert.equal(pes!.streamId, 0xe0);
  assert.equal(pes!.pts, 93600);
  assert.equal(pes!.dts, 90000);
  assert.equal(pes!.data.subarray(0, 6).toString('hex'), '0000000109f0');
  assert.equal(pes!.data.subarray(6, 10 + TEST_SPS.length).toString('hex'), '00000001' + Buffer.from(TEST_SPS).toString('hex'));
  assert.equal(pes!.declaredLength, 3 + 10 + pes!.data.length);
});

test('an inter frame without composition offset has PTS only and no random access flag', () => {
  const m = avMuxer();
  m.tables();
  m.muxFrame(avcFrame(0, true));
  const ts = m.muxFrame(avcFrame(33, false))!;
  const [pes] = collectPes(ts, [TS_PID.VIDEO]);
  assert.equal(pes!.dts, undefined);
  assert.equal(pes!.pts, 33 * 90);
  assert.equal(inspectPackets(ts)[0]!.randomAccess, false);
});

test('PCR on every keyframe and at least every 100 ms on the video PID, never on audio', () => {
  const m = avMuxer();
  m.tables();
  const withPcr: number[] = [];
  for (let i = 0; i < 40; i++) {
    const dts = Math.round((i * 1000) / 30);
    const ts = m.muxFrame(avcFrame(dts, i % 30 === 0))!;
    if (inspectPackets(ts)[0]!.pcr !== undefined) withPcr.push(dts);
    assert.equal(inspectPackets(m.muxFrame(aacFrame(dts))!)[0]!.pcr, undefined);
  }
  assert.deepEqual(withPcr, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300]);
});

test('audio: ADTS header before each raw frame, PTS only, bounded PES length', () => {
  const m = avMuxer();
  m.tables();
  const [pes] = collectPes(m.muxFrame(aacFrame(500, 300))!, [TS_PID.AUDIO]);
  assert.equal(pes!.streamId, 0xc0);
  assert.equal(pes!.pts, 45000);
  assert.equal(pes!.dts, undefined);
  assert.equal(pes!.data.subarray(0, 7).toString('hex'), 'fff15080267ffc');
  assert.equal(pes!.data.length, 307);
  assert.equal(pes!.declaredLength, 3 + 5 + 307);
});

test('continuity counters run on across frames and tables, per PID', () => {
  const m = avMuxer();
  const all = Buffer.concat([m.tables(), m.muxFrame(avcFrame(0, true, { size: 1000 }))!, m.muxFrame(aacFrame(0))!, m.tables(), m.muxFrame(avcFrame(33, false, { size: 400 }))!]);
  const last = new Map<number, number>();
  for (const p of inspectPackets(all)) {
    const prev = last.get(p.pid);
    if (prev !== undefined) assert.equal(p.cc, (prev + 1) % 16, `pid ${p.pid}`);
    last.set(p.pid, p.cc);
  }
});

test('timestamps near 2^33 wrap: the offset maps RTMP ms onto the 90 kHz clock mod 2^33', () => {
  const offsetMs = (TS_CLOCK_WRAP - 45000) / 90; // 0.5 s before the wrap
  const m = avMuxer({ timestampOffsetMs: offsetMs });
  m.tables();
  const a = collectPes(m.muxFrame(avcFrame(0, true, { cts: 100 }))!, [TS_PID.VIDEO])[0]!;
  assert.equal(a.dts, TS_CLOCK_WRAP - 45000);
  assert.equal(a.pts, TS_CLOCK_WRAP - 45000 + 9000);
  const b = collectPes(m.muxFrame(avcFrame(1000, false, { cts: 100 }))!, [TS_PID.VIDEO])[0]!;
  assert.equal(b.dts, 45000);
  assert.equal(b.pts, 54000);
});

test('frames of tracks missing from the last PMT, or before any tables(), are not muxed', () => {
  const m = new TsMuxer();
  m.setSequenceHeader(avcSequenceHeaderFrame());
  assert.equal(m.muxFrame(avcFrame(0, true)), undefined, 'no PMT written yet');
  m.tables();
  assert.equal(m.setSequenceHeader(aacSequenceHeaderFrame()), 'tracks');
  assert.equal(m.muxFrame(aacFrame(0)), undefined, 'audio not in this PMT');
  assert.ok(m.muxFrame(avcFrame(33, false)));
  const again = inspectPackets(m.tables());
  assert.equal((again[1]!.payload[6]! >> 1) & 0x1f, 1, 'PMT version bumped when streams changed');
  assert.ok(m.muxFrame(aacFrame(40)));
});

test('sequence headers: same bytes → same, new SPS → params, new codec → tracks', () => {
  const m = avMuxer();
  assert.equal(m.setSequenceHeader(avcSequenceHeaderFrame(100)), 'same');
  const sps2 = Uint8Array.of(0x67, 0x4d, 0x00, 0x28, 0x01);
  const f = avcSequenceHeaderFrame(200, Buffer.from('014d0028ffe1000567' + '4d002801' + '0100026800', 'hex'));
  assert.equal(m.setSequenceHeader(f), 'params');
  assert.deepEqual(Buffer.from(m.videoParams!.sps[0]!), Buffer.from(sps2));
  assert.equal(m.setSequenceHeader(aacSequenceHeaderFrame(0, Uint8Array.of(0x11, 0x90))), 'params');
  assert.equal(m.audioConfig!.sampleRate, 48000);
});

test('audio-only: PCR and random access on the audio PID', () => {
  const m = new TsMuxer();
  m.setSequenceHeader(aacSequenceHeaderFrame());
  const pmt = inspectPackets(m.tables())[1]!;
  assert.equal(pmt.payload.subarray(9, 11).toString('hex'), 'e101');
  const first = inspectPackets(m.muxFrame(aacFrame(0))!)[0]!;
  assert.equal(first.pcr, 0);
  assert.equal(first.randomAccess, true);
});

test('malformed frames are ParseErrors with offsets inside the FLV payload', () => {
  const m = avMuxer();
  m.tables();
  const broken = new TestFrame({ track: 'video', codec: 'h264', dts: 0, keyframe: true, payload: Buffer.from('1701000000000000ff41', 'hex'), dataOffset: 5 });
  assert.throws(() => m.muxFrame(broken), (e: unknown) => e instanceof ParseError && e.offset === 5);
  const badCfg = new TestFrame({ track: 'video', codec: 'h264', dts: 0, sequenceHeader: true, payload: Buffer.from('1700000000010203', 'hex'), dataOffset: 5 });
  assert.throws(() => m.setSequenceHeader(badCfg), ParseError);
  const hugeAac = aacFrame(0, 9000);
  assert.throws(() => m.muxFrame(hugeAac), /too large for ADTS/);
});
