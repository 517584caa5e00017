import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { ParseError } = await import('xlive/sdk');
const { parseSps, parseAvcConfig } = await import('./avc-config.js');
const { parseAudioSpecificConfig } = await import('./aac-config.js');
const { BitReader, unescapeRbsp } = await import('./bit-reader.js');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Write bit strings ("0101…") into bytes, for hand-made configs. */
function bits(s: string): Buffer {
  const clean = s.replace(/\s+/g, '');
  const out = Buffer.alloc(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) if (clean[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

describe('bit reader', () => {
  it('reads Exp-Golomb ue(v) and se(v) (H.264 9.1)', () => {
    const r = new BitReader(bits('1 010 011 00100 00111 010 011'));
    assert.deepEqual([r.ue(), r.ue(), r.ue(), r.ue(), r.ue(), r.se(), r.se()], [0, 1, 2, 3, 6, 1, -1]);
  });

  it('refuses codes longer than 32 bits and reads past the end as ParseError', () => {
    assert.throws(() => new BitReader(Buffer.alloc(8)).ue(), /longer than 32 bits/);
    assert.throws(() => new BitReader(hex('ff')).u(9), ParseError);
  });

  it('removes emulation prevention bytes', () => {
    assert.deepEqual([...unescapeRbsp(hex('00 00 03 01 00 00 03 00 00 03'))], [0, 0, 1, 0, 0, 0, 0]);
    const clean = hex('01 02 03');
    assert.equal(unescapeRbsp(clean), clean, 'no copy without escapes');
  });
});

describe('H.264 SPS', () => {
  it('reads 1920x1080 High from a real x264 SPS (cropped from 1088 lines)', () => {
    assert.deepEqual(parseSps(hex('67640028acd940780227e5c044000003000400000300f03c60c658')), {
      profileIdc: 100,
      constraints: 0,
      levelIdc: 40,
      width: 1920,
      height: 1080,
    });
  });

  it('reads 640x360 from a real x264 SPS', () => {
    const sps = parseSps(hex('6764001eacd940a02ff970110000030001000003003c0f162d96'));
    assert.deepEqual([sps.width, sps.height, sps.levelIdc], [640, 360, 30]);
  });

  it('reads a Baseline SPS with pic_order_cnt_type 2 and no cropping', () => {
    // profile 66, level 30, sps id 0, log2_max_frame_num-4 = 0, poc type 2, 1 ref frame, no gaps,
    // width 20 MBs (320), height 15 map units (240), frame_mbs_only, direct_8x8, no cropping, vui 0.
    const nal = Buffer.concat([hex('67 42 c0 1e'), bits('1 1 011 010 0 000010100 0001111 1 1 0 0 1')]);
    assert.deepEqual(parseSps(nal), { profileIdc: 66, constraints: 0xc0, levelIdc: 30, width: 320, height: 240 });
    assert.equal(parseAvcConfig(Buffer.concat([hex('01 42 c0 1e ff e1'), Buffer.from([0, nal.length]), nal])).profile, 'Constrained Baseline');
  });

  it('gives only the profile when the record carries no SPS, and refuses a bad version', () => {
    assert.deepEqual(parseAvcConfig(hex('01 4d 40 1f ff e0 00')), { codec: 'h264', profile: 'Main' });
    assert.throws(() => parseAvcConfig(hex('02 4d 40 1f ff e0')), /configurationVersion 2/);
    assert.throws(() => parseAvcConfig(hex('01 4d 40 1f ff e1 0010 67')), ParseError);
  });
});

describe('AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1)', () => {
  it('reads AAC-LC rate and channels', () => {
    assert.deepEqual(parseAudioSpecificConfig(hex('1190')), { codec: 'aac', objectType: 2, sampleRate: 48000, channels: 2 });
    assert.deepEqual(parseAudioSpecificConfig(hex('1208')), { codec: 'aac', objectType: 2, sampleRate: 44100, channels: 1 });
  });

  it('reads explicit HE-AAC as the extension sampling rate', () => {
    // AOT 5, 24000 Hz core (index 6), stereo, extension index 3 (48000), then AOT 2.
    assert.deepEqual(parseAudioSpecificConfig(bits('00101 0110 0010 0011 00010')), { codec: 'aac', objectType: 5, sampleRate: 48000, channels: 2 });
  });

  it('reads an explicit 24-bit rate and the escaped object type', () => {
    const asc = bits('00010 1111 000000001010110001000100 0001');
    assert.deepEqual(parseAudioSpecificConfig(asc), { codec: 'aac', objectType: 2, sampleRate: 44100, channels: 1 });
    assert.equal(parseAudioSpecificConfig(bits('11111 000010 0011 0010')).objectType, 34);
  });

  it('refuses reserved rates and truncated configs with ParseError', () => {
    assert.throws(() => parseAudioSpecificConfig(bits('00010 1101 0010')), /reserved samplingFrequencyIndex 13/);
    assert.throws(() => parseAudioSpecificConfig(hex('12')), ParseError);
  });
});
