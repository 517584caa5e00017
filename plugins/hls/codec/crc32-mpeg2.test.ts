import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32Mpeg2 } from './crc32-mpeg2.js';

test('CRC-32/MPEG-2 of "123456789" is the catalogue check value 0x0376E6E7', () => {
  assert.equal(crc32Mpeg2(Buffer.from('123456789', 'ascii')), 0x0376e6e7);
});

test('CRC-32/MPEG-2 of ffmpeg’s default PAT section is 0x2AB104B2', () => {
  // table_id 0, section_length 13, tsid 1, version 0, program 1 → PMT PID 0x1000
  const pat = Buffer.from('00b00d0001c100000001f000', 'hex');
  assert.equal(crc32Mpeg2(pat), 0x2ab104b2);
});

test('a section followed by its CRC has a zero residue', () => {
  const pat = Buffer.from('00b00d0001c100000001f0002ab104b2', 'hex');
  assert.equal(crc32Mpeg2(pat), 0);
});

test('range arguments restrict the bytes covered', () => {
  const data = Buffer.from('xx123456789yy', 'ascii');
  assert.equal(crc32Mpeg2(data, 2, 11), 0x0376e6e7);
  assert.equal(crc32Mpeg2(new Uint8Array(0)), 0xffffffff);
});
