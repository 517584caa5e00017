import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLV_HEADER_AV, flvBytes, flvTagBytes } from '../../../test/helpers/flv-bytes.js';
import { hex } from '../../../test/helpers/test-bytes.js';
import { ParseError } from '../errors.js';
import { flvTagBody, readFlv } from './flv-reader.js';

const FILE = flvBytes([
  { type: 18, timestamp: 0, body: hex('02000a6f6e4d65746144617461') },
  { type: 9, timestamp: 0, body: hex('1700000000 01640028ff') },
  { type: 8, timestamp: 0x04010203, body: hex('af01aabb') },
]);

const parseErrorAt = (offset: number, re: RegExp) => (e: unknown) => e instanceof ParseError && e.offset === offset && re.test(e.message);

describe('flv file reader', () => {
  it('reads header flags, DataOffset and every tag as a view, with its offset and PreviousTagSize', () => {
    const flv = readFlv(FILE);
    assert.deepEqual(flv.flags, { audio: true, video: true });
    assert.equal(flv.dataOffset, 9);
    assert.equal(flv.trailing, 0);
    assert.deepEqual(flv.tags.map((t) => [t.type, t.timestamp, t.offset, t.previousTagSize, t.body.toString('hex')]), [
      [18, 0, 13, 24, '02000a6f6e4d65746144617461'],
      [9, 0, 41, 21, '170000000001640028ff'],
      [8, 0x04010203, 66, 15, 'af01aabb'],
    ]);
    assert.equal(flv.tags[1]!.body.buffer, FILE.buffer);
  });

  it('reports a truncated last tag with `partial`, and throws without it', () => {
    const cut = FILE.subarray(0, FILE.length - 3);
    assert.equal(readFlv(cut, { partial: true }).trailing, 16); // the last tag: 11 + 4 body + 4 trailer, 3 short
    assert.equal(readFlv(cut, { partial: true }).tags.length, 2);
    assert.throws(() => readFlv(cut), parseErrorAt(66, /flv tag truncated/));
    assert.equal(readFlv(FILE.subarray(0, 70), { partial: true }).trailing, 4);
  });

  it('refuses encrypted and unknown tags, a wrong PreviousTagSize, a non-zero PreviousTagSize0 and too many tags', () => {
    const filtered = Buffer.from(FILE);
    filtered[41] = 0x29;
    assert.throws(() => readFlv(filtered), parseErrorAt(41, /encrypted/));
    const unknown = Buffer.from(FILE);
    unknown[41] = 0x07;
    assert.throws(() => readFlv(unknown), parseErrorAt(41, /unknown flv tag type 7/));
    const wrongPrev = Buffer.from(FILE);
    wrongPrev.writeUInt32BE(99, 62);
    assert.throws(() => readFlv(wrongPrev), parseErrorAt(62, /PreviousTagSize 99 does not match tag size 21/));
    const prev0 = Buffer.from(FILE);
    prev0[12] = 1;
    assert.throws(() => readFlv(prev0), parseErrorAt(9, /PreviousTagSize0/));
    assert.throws(() => readFlv(FILE, { maxTags: 2 }), parseErrorAt(66, /more than 2 flv tags/));
    assert.throws(() => readFlv(Buffer.from('not an flv file')), parseErrorAt(0, /signature/));
    assert.throws(() => readFlv(FLV_HEADER_AV.subarray(0, 11)), parseErrorAt(5, /DataOffset 9 is out of range/));
  });

  it('maps tags to the frames RTMP ingest would publish; a broken body names its byte in the file', () => {
    const [script, video, audio] = readFlv(FILE).tags;
    const s = flvTagBody(script!);
    assert.ok('frame' in s && s.frame.track === 'data' && s.packet === 'script');
    const v = flvTagBody(video!);
    assert.ok('frame' in v && v.frame.codec === 'h264' && v.frame.sequenceHeader && v.packet === 'sequence-start');
    const a = flvTagBody(audio!);
    assert.ok('frame' in a && a.frame.dts === 0x04010203 && a.packet === 'coded');
    const short = readFlv(Buffer.concat([FLV_HEADER_AV, flvTagBytes({ type: 9, timestamp: 0, body: hex('1701') })])).tags[0]!;
    assert.throws(() => flvTagBody(short), parseErrorAt(13 + 11 + 2, /^flv tag at byte 13: truncated composition time/));
  });
});
