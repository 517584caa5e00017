import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from 'xlive/sdk';
import { annexBParts, splitLengthPrefixed, toAnnexB, type VideoParams } from './annexb.js';
import { lengthPrefixed, TEST_PPS, TEST_SPS } from '../testing/synthetic-frames.js';

const SC = '00000001';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const H264: VideoParams = { codec: 'h264', nalLengthSize: 4, vps: [], sps: [TEST_SPS], pps: [TEST_PPS] };
const IDR = Uint8Array.of(0x65, 0x88, 0x84);
const SLICE = Uint8Array.of(0x41, 0x9a, 0x02);
const SEI = Uint8Array.of(0x06, 0x05, 0x01, 0x80);

test('H.264 keyframe: AUD, then SPS and PPS from the config, then the frame NALUs', () => {
  const out = toAnnexB(lengthPrefixed([SEI, IDR]), H264, true);
  assert.equal(hex(out), [SC + '09f0', SC + hex(TEST_SPS), SC + hex(TEST_PPS), SC + hex(SEI), SC + hex(IDR)].join(''));
});

test('H.264 keyframe that already carries SPS and PPS gets no second copy', () => {
  const sps = Uint8Array.of(0x67, 0x42, 0x00, 0x0a);
  const pps = Uint8Array.of(0x68, 0xce);
  const out = toAnnexB(lengthPrefixed([sps, pps, IDR]), H264, true);
  assert.equal(hex(out), [SC + '09f0', SC + hex(sps), SC + hex(pps), SC + hex(IDR)].join(''));
});

test('an IDR NALU makes a keyframe even without the flag; inter frames get only the AUD', () => {
  assert.ok(annexBParts(lengthPrefixed([IDR]), H264, false).keyframe);
  const out = toAnnexB(lengthPrefixed([SLICE]), H264, false);
  assert.equal(hex(out), SC + '09f0' + SC + hex(SLICE));
});

test('existing AUDs are dropped so each access unit has exactly one, first', () => {
  const aud = Uint8Array.of(0x09, 0x10);
  const out = toAnnexB(lengthPrefixed([SEI, aud, SLICE]), H264, false);
  assert.equal(hex(out), SC + '09f0' + SC + hex(SEI) + SC + hex(SLICE));
  assert.equal(annexBParts(lengthPrefixed([aud]), H264, false).byteLength, 0);
});

test('2-byte and 1-byte NALU lengths; zero-length NALUs are skipped', () => {
  const two = toAnnexB(lengthPrefixed([SLICE], 2), { ...H264, nalLengthSize: 2 }, false);
  assert.equal(hex(two), SC + '09f0' + SC + hex(SLICE));
  const one = Buffer.concat([Buffer.of(0), lengthPrefixed([SLICE], 1)]);
  assert.equal(hex(toAnnexB(one, { ...H264, nalLengthSize: 1 }, false)), SC + '09f0' + SC + hex(SLICE));
});

test('the output is allocated at its final size: byteLength equals the concatenation', () => {
  const au = annexBParts(lengthPrefixed([SEI, IDR]), H264, true);
  assert.equal(au.byteLength, au.parts.reduce((n, p) => n + p.length, 0));
  // frame NALUs are views into the input, not copies
  const input = lengthPrefixed([IDR]);
  assert.equal(annexBParts(input, H264, true).parts.at(-1)!.buffer, input.buffer);
});

test('H.265 IRAP: AUD (type 35) then VPS, SPS, PPS unless present', () => {
  const vps = Uint8Array.of(0x40, 0x01, 0x0c);
  const sps = Uint8Array.of(0x42, 0x01, 0x01);
  const pps = Uint8Array.of(0x44, 0x01, 0xc1);
  const idr = Uint8Array.of(0x26, 0x01, 0xaf); // IDR_W_RADL (19)
  const trail = Uint8Array.of(0x02, 0x01, 0xd0); // TRAIL_R (1)
  const params: VideoParams = { codec: 'h265', nalLengthSize: 4, vps: [vps], sps: [sps], pps: [pps] };
  const key = toAnnexB(lengthPrefixed([idr]), params, false);
  assert.equal(hex(key), [SC + '460150', SC + hex(vps), SC + hex(sps), SC + hex(pps), SC + hex(idr)].join(''));
  const inband = toAnnexB(lengthPrefixed([vps, sps, pps, idr]), params, true);
  assert.equal(hex(inband), [SC + '460150', SC + hex(vps), SC + hex(sps), SC + hex(pps), SC + hex(idr)].join(''));
  assert.equal(hex(toAnnexB(lengthPrefixed([trail]), params, false)), SC + '460150' + SC + hex(trail));
  // CRA (21) is an IRAP too
  assert.ok(annexBParts(lengthPrefixed([Uint8Array.of(0x2a, 0x01, 0x00)]), params, false).keyframe);
});

test('broken length prefixes are ParseErrors with the offset of the bad length', () => {
  assert.throws(() => splitLengthPrefixed(Uint8Array.of(0, 0, 0, 9, 1, 2), 4, 5), (e: unknown) => {
    return e instanceof ParseError && e.offset === 5 && /length 9 exceeds/.test(e.message);
  });
  assert.throws(() => splitLengthPrefixed(Uint8Array.of(0, 0, 0, 1, 0x41, 0, 0), 4), (e: unknown) => {
    return e instanceof ParseError && e.offset === 5 && /truncated NALU length/.test(e.message);
  });
});
