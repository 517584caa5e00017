import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError, ProtocolError } from '../errors.js';
import { flvFileHeader, flvPreviousTagSize, flvTagHeader, flvTimestamp, FlvTagType, readFlvFileHeader, readFlvTagHeader } from './flv-tag-header.js';

describe('flv file header', () => {
  it('writes signature, version, flags, DataOffset 9 and PreviousTagSize0', () => {
    assert.deepEqual(
      flvFileHeader({ audio: true, video: true }),
      Buffer.from([0x46, 0x4c, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0]),
    );
    assert.equal(flvFileHeader({ audio: false, video: true })[4], 0x01);
    assert.equal(flvFileHeader({ audio: true, video: false })[4], 0x04);
    assert.equal(flvFileHeader({ audio: false, video: false })[4], 0x00);
  });
});

describe('flv tag header', () => {
  it('encodes type, 24-bit size, 24-bit timestamp, extended byte and stream id 0', () => {
    assert.deepEqual(
      flvTagHeader(FlvTagType.video, 0x012345, 0x0abcdef1),
      Buffer.from([0x09, 0x01, 0x23, 0x45, 0xbc, 0xde, 0xf1, 0x0a, 0, 0, 0]),
    );
    assert.deepEqual(flvTagHeader(FlvTagType.audio, 7, 40), Buffer.from([0x08, 0, 0, 7, 0, 0, 40, 0, 0, 0, 0]));
    assert.deepEqual(flvTagHeader(FlvTagType.script, 0, 0), Buffer.from([0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  });

  it('wraps timestamps past 2^32 and rounds fractional ms', () => {
    assert.equal(flvTimestamp(2 ** 32 + 5), 5);
    assert.equal(flvTimestamp(2 ** 32 - 1), 2 ** 32 - 1);
    assert.equal(flvTimestamp(33.4), 33);
    assert.equal(flvTimestamp(-1), 2 ** 32 - 1);
    assert.equal(flvTimestamp(Number.NaN), 0);
    assert.deepEqual([...flvTagHeader(FlvTagType.video, 1, 2 ** 32 - 1).subarray(4, 8)], [0xff, 0xff, 0xff, 0xff]);
    assert.deepEqual([...flvTagHeader(FlvTagType.video, 1, 0x1000000).subarray(4, 8)], [0, 0, 0, 1]);
  });

  it('refuses a body larger than the 24-bit DataSize with a coded error', () => {
    assert.throws(() => flvTagHeader(FlvTagType.video, 0x1000000, 0), ProtocolError);
    assert.throws(() => flvTagHeader(FlvTagType.video, -1, 0), ProtocolError);
  });

  it('writes PreviousTagSize as 11 + DataSize', () => {
    assert.deepEqual(flvPreviousTagSize(0x0100), Buffer.from([0, 0, 0x01, 0x0b]));
  });
});

describe('flv header reading', () => {
  it('reads back what it writes: flags, DataOffset, and every tag header field', () => {
    assert.deepEqual(readFlvFileHeader(flvFileHeader({ audio: true, video: false })), { flags: { audio: true, video: false }, dataOffset: 9 });
    const h = flvTagHeader(FlvTagType.video, 0x012345, 0xfabcdef1);
    assert.deepEqual(readFlvTagHeader(Buffer.concat([Buffer.alloc(3), h]), 3), { type: 9, filtered: false, dataSize: 0x012345, timestamp: 0xfabcdef1 });
    assert.equal(readFlvTagHeader(Buffer.from([0x29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 0).filtered, true);
  });

  it('refuses a short header, a wrong signature or version, and a DataOffset below 9, naming the byte', () => {
    const at = (buf: Buffer, offset: number, re: RegExp) =>
      assert.throws(() => readFlvFileHeader(buf, 100), (e: unknown) => e instanceof ParseError && e.offset === 100 + offset && re.test(e.message));
    at(Buffer.from('FLV'), 0, /needs 9 header bytes/);
    at(Buffer.from('464c5801050000000900000000', 'hex'), 0, /signature/);
    at(Buffer.from('464c5602050000000900000000', 'hex'), 3, /version 2/);
    at(Buffer.from('464c5601050000000800000000', 'hex'), 5, /DataOffset 8/);
  });
});
