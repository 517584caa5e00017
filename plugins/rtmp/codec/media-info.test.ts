import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FrameInit } from 'xlive/sdk';

const { ParseError } = await import('xlive/sdk');
const { mediaInfoOf } = await import('./media-info.js');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Real x264 parameter sets (1920x1080 High, cropped from 1088 lines), as an AVCDecoderConfigurationRecord. */
const SPS_1080 = '67640028acd940780227e5c044000003000400000300f03c60c658';
const PPS = '68ebe3cb22c0';
const AVCC_1080 = `01 64 00 28 ff e1 ${(SPS_1080.length / 2).toString(16).padStart(4, '0')} ${SPS_1080} 01 ${(PPS.length / 2).toString(16).padStart(4, '0')} ${PPS}`;

const video = (payload: string, sequenceHeader = true): FrameInit => ({ track: 'video', codec: 'h264', dts: 0, sequenceHeader, payload: hex(payload), dataOffset: 5 });

describe('media info of ingest frames', () => {
  it('reads size and profile from an AVC sequence header', () => {
    assert.deepEqual(mediaInfoOf(video('17 00 000000' + AVCC_1080)), { video: { codec: 'h264', width: 1920, height: 1080, profile: 'High' } });
    assert.equal(mediaInfoOf(video('17 01 000000 00000001 65', false)), undefined);
  });

  it('gives only the profile when the record carries no SPS, and throws ParseError for a broken one', () => {
    assert.deepEqual(mediaInfoOf(video('17 00 000000 01 4d 40 1f ff e0 00')), { video: { codec: 'h264', profile: 'Main' } });
    assert.throws(() => mediaInfoOf(video('17 00 000000 02 4d 40 1f ff e0')), ParseError);
  });

  it('names other video codecs from their sequence start', () => {
    assert.deepEqual(mediaInfoOf({ track: 'video', codec: 'h265', dts: 0, sequenceHeader: true, payload: hex('90 68766331 01'), dataOffset: 5 }), { video: { codec: 'h265' } });
  });

  it('reads AAC rate and channels, HE-AAC at its extension rate', () => {
    const aac = (asc: string): FrameInit => ({ track: 'audio', codec: 'aac', dts: 0, sequenceHeader: true, payload: hex('af 00' + asc), dataOffset: 2 });
    assert.deepEqual(mediaInfoOf(aac('1190 56e500')), { audio: { codec: 'aac', sampleRate: 48000, channels: 2 } });
    assert.deepEqual(mediaInfoOf(aac('2b118800')), { audio: { codec: 'aac', sampleRate: 48000, channels: 2 } });
    assert.deepEqual(mediaInfoOf(aac('1000')), { audio: { codec: 'aac', sampleRate: 96000 } }, 'channel configuration 0: no count');
  });

  it('reads MP3 rate and channels from the legacy header', () => {
    assert.deepEqual(mediaInfoOf({ track: 'audio', codec: 'mp3', dts: 0, payload: hex('2f fffb'), dataOffset: 1 }), { audio: { codec: 'mp3', sampleRate: 44100, channels: 2 } });
  });
});
