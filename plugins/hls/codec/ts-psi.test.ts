import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32Mpeg2 } from './crc32-mpeg2.js';
import { buildPatSection, buildPmtSection, STREAM_TYPE } from './ts-psi.js';

test('PAT section is byte-identical to ffmpeg’s (tsid 1, program 1 → PMT PID 0x1000)', () => {
  assert.equal(buildPatSection({ pmtPid: 0x1000 }).toString('hex'), '00b00d0001c100000001f0002ab104b2');
});

test('PMT for H.264 + AAC is byte-identical to ffmpeg’s mpegts muxer output', () => {
  const pmt = buildPmtSection({
    pcrPid: 0x100,
    streams: [
      { streamType: STREAM_TYPE.H264, pid: 0x100 },
      { streamType: STREAM_TYPE.AAC_ADTS, pid: 0x101 },
    ],
  });
  // captured from `ffmpeg -i x.flv -c copy -f mpegts` (ffmpeg 5.1)
  assert.equal(pmt.toString('hex'), '02b0170001c10000e100f0001be100f0000fe101f0002f44b99b');
});

test('PMT for HEVC only: stream type 0x24, version in bits 5..1, valid CRC', () => {
  const pmt = buildPmtSection({ pcrPid: 0x100, streams: [{ streamType: STREAM_TYPE.H265, pid: 0x100 }], version: 3 });
  assert.equal(pmt.subarray(0, 17).toString('hex'), '02b0120001c70000e100f00024e100f000');
  assert.equal(pmt.length, 3 + 0x12);
  assert.equal(crc32Mpeg2(pmt), 0, 'CRC residue over the whole section is zero');
});

test('audio-only PMT names the audio PID as PCR PID', () => {
  const pmt = buildPmtSection({ pcrPid: 0x101, streams: [{ streamType: STREAM_TYPE.AAC_ADTS, pid: 0x101 }] });
  assert.equal(pmt.subarray(8, 10).toString('hex'), 'e101');
  assert.equal(crc32Mpeg2(pmt), 0);
});
