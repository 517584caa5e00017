import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from 'xlive/sdk';
import { FLV_HEADER_AV, flvTagBytes } from 'xlive/sdk/testing';
import { flvFrames as parseFlv } from './flv-file-reader.js';

function tag(type: number, dts: number, body: Buffer): Buffer {
  return flvTagBytes({ type, timestamp: dts, body });
}

const HEADER = FLV_HEADER_AV; // "FLV", v1, audio+video, size 9, PreviousTagSize0

test('reads legacy AVC/AAC and Enhanced RTMP hvc1 tags into frames as RTMP ingest would; skips script, end-of-sequence, commands', () => {
  const file = Buffer.concat([
    HEADER,
    tag(18, 0, Buffer.from('02000a6f6e4d65746144617461', 'hex')), // script data: skipped
    tag(9, 0, Buffer.from('1700000000' + '01640028ff', 'hex')), // AVC sequence header
    tag(9, 0x04010203, Buffer.from('2701ffffdf' + '00000002419a', 'hex')), // AVC NALU, cts -33, extended timestamp
    tag(8, 5, Buffer.from('af001210', 'hex')), // AAC sequence header
    tag(8, 28, Buffer.from('af01aabb', 'hex')), // AAC raw
    tag(9, 40, Buffer.concat([Buffer.from([0x90]), Buffer.from('hvc1'), Buffer.from('01', 'hex')])), // E-RTMP SequenceStart
    tag(9, 41, Buffer.concat([Buffer.from([0x91]), Buffer.from('hvc1'), Buffer.from('000005' + '00000003260100', 'hex')])), // CodedFrames, cts 5
    tag(9, 42, Buffer.concat([Buffer.from([0xa3]), Buffer.from('hvc1'), Buffer.from('00000003020100', 'hex')])), // CodedFramesX, inter
    tag(9, 43, Buffer.from('1702000000', 'hex')), // AVC end of sequence: skipped
    tag(9, 44, Buffer.from('5700', 'hex')), // video command frame: skipped
  ]);
  const frames = parseFlv(file);
  assert.deepEqual(
    frames.map((f) => [f.track, f.codec, f.dts, f.cts, f.keyframe, f.sequenceHeader, f.dataOffset, Buffer.from(f.payload.subarray(f.dataOffset)).toString('hex')]),
    [
      // sequence headers and audio are not keyframes (the hub's and RTMP ingest's meaning)
      ['video', 'h264', 0, 0, false, true, 5, '01640028ff'],
      ['video', 'h264', 0x04010203, -33, false, false, 5, '00000002419a'],
      ['audio', 'aac', 5, 0, false, true, 2, '1210'],
      ['audio', 'aac', 28, 0, false, false, 2, 'aabb'],
      ['video', 'h265', 40, 0, false, true, 5, '01'],
      ['video', 'h265', 41, 5, true, false, 8, '00000003260100'],
      ['video', 'h265', 42, 0, false, false, 5, '00000003020100'],
    ],
  );
  assert.equal(frames[1]!.payload.buffer, file.buffer, 'payloads are views into the file');
  let builds = 0;
  const f = frames[0]!;
  assert.equal(f.shared('k', () => ++builds), 1);
  assert.equal(f.shared('k', () => ++builds), 1);
});

test('not an FLV, or a tag running past the end, is a ParseError', () => {
  assert.throws(() => parseFlv(Buffer.from('not an flv file')), (e: unknown) => e instanceof ParseError && e.offset === 0);
  const cut = Buffer.concat([HEADER, tag(9, 0, Buffer.from('1700000000016400', 'hex'))]).subarray(0, 30);
  assert.throws(() => parseFlv(cut), (e: unknown) => e instanceof ParseError && e.offset === 13);
  const shortAvc = Buffer.concat([HEADER, tag(9, 0, Buffer.from('1701', 'hex'))]);
  assert.throws(() => parseFlv(shortAvc), ParseError);
});
