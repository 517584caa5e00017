import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPesHeader, STREAM_ID_AUDIO, STREAM_ID_VIDEO, writePesTimestamp } from './pes-header.js';
import { msTo90k, TS_CLOCK_WRAP, wrap33 } from './ts-timestamp.js';

function ts(prefix: number, v: number): string {
  const b = Buffer.alloc(5);
  writePesTimestamp(b, 0, prefix, v);
  return b.toString('hex');
}

test('PTS encoding: 1 s, 0, and the largest 33-bit value', () => {
  assert.equal(ts(2, 90000), '210005bf21');
  assert.equal(ts(2, 0), '2100010001');
  assert.equal(ts(2, TS_CLOCK_WRAP - 1), '2fffffffff');
  // bit 32 alone: only the top 3-bit field is set
  assert.equal(ts(3, 2 ** 32), '3900010001');
});

test('timestamps wrap modulo 2^33, negatives too', () => {
  assert.equal(ts(2, TS_CLOCK_WRAP + 90000), ts(2, 90000));
  assert.equal(ts(2, -1), ts(2, TS_CLOCK_WRAP - 1));
  assert.equal(wrap33(-90000), TS_CLOCK_WRAP - 90000);
  assert.equal(msTo90k(1000), 90000);
  // RTMP ms beyond 2^32 (extended timeline) still map exactly
  assert.equal(msTo90k(2 ** 32), (2 ** 32 * 90) % TS_CLOCK_WRAP);
  // an offset that lands just below the wrap, then crosses it
  const nearWrap = (TS_CLOCK_WRAP - 90) / 90; // ms
  assert.equal(msTo90k(0, nearWrap), TS_CLOCK_WRAP - 90);
  assert.equal(msTo90k(2, nearWrap), 90);
});

test('audio PES header: PTS only, PES_packet_length counts the payload', () => {
  const h = buildPesHeader({ streamId: STREAM_ID_AUDIO, pts: 90000, payloadLength: 107 });
  // 000001 C0 | length 3+5+107 = 115 | 84 (data_alignment) | 80 (PTS only) | 05 | PTS
  assert.equal(h.toString('hex'), '000001c0007384800521' + '0005bf21');
});

test('video PES header: PTS and DTS (prefixes 0011 / 0001), length 0 when over 65535', () => {
  const h = buildPesHeader({ streamId: STREAM_ID_VIDEO, pts: 93000, dts: 90000, payloadLength: 70000 });
  // PTS 93000 = 0x16B48: mid 2, lo 0x6B48
  assert.equal(h.toString('hex'), '000001e0000084c00a' + '310005d691' + '110005bf21');
  const small = buildPesHeader({ streamId: STREAM_ID_VIDEO, pts: 93000, dts: 90000, payloadLength: 100 });
  assert.equal(small.readUInt16BE(4), 3 + 10 + 100);
});

test('DTS is omitted when it equals PTS (after the 33-bit wrap)', () => {
  const h = buildPesHeader({ streamId: STREAM_ID_VIDEO, pts: 5, dts: TS_CLOCK_WRAP + 5, payloadLength: 1 });
  assert.equal(h.length, 14);
  assert.equal(h[7], 0x80);
});

test('PTS and DTS on both sides of the wrap', () => {
  const pts = 1800; // wrapped past 2^33
  const dts = TS_CLOCK_WRAP - 1200;
  const h = buildPesHeader({ streamId: STREAM_ID_VIDEO, pts, dts, payloadLength: 10 });
  assert.equal(h.subarray(9, 14).toString('hex'), ts(3, pts));
  assert.equal(h.subarray(14, 19).toString('hex'), ts(1, dts));
  assert.equal(ts(1, dts), '1ffffff6a1');
});
