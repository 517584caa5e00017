import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame, FrameInit } from 'xlive/sdk';

const { flvFileHeader } = await import('xlive/media');
const { FLV_TAG_SHARED_KEY, buildFlvTag, flvTagChunks } = await import('./flv-muxer.js');

/** A Frame with the hub's memo semantics, counting builds. */
function frame(init: FrameInit): Frame & { builds: number } {
  const memo = new Map<string, unknown>();
  const f = {
    cts: 0,
    keyframe: false,
    sequenceHeader: false,
    dataOffset: 0,
    ...init,
    builds: 0,
    shared<T>(key: string, build: (fr: Frame) => T): T {
      if (!memo.has(key)) {
        f.builds++;
        memo.set(key, build(f));
      }
      return memo.get(key) as T;
    },
  };
  return f;
}

describe('flv tag chunks', () => {
  it('returns header, the frame payload itself (no copy) and the trailer', () => {
    const payload = Buffer.from([0x17, 0x01, 0, 0, 0x21, 0xaa, 0xbb]);
    const f = frame({ track: 'video', codec: 'h264', dts: 1000, keyframe: true, payload, dataOffset: 5 });
    const [header, body, trailer] = flvTagChunks(f);
    assert.equal(body, payload);
    assert.deepEqual(header, Buffer.from([0x09, 0, 0, 7, 0, 0x03, 0xe8, 0, 0, 0, 0]));
    assert.deepEqual(trailer, Buffer.from([0, 0, 0, 18]));
  });

  it('builds once per frame and shares the result among viewers', () => {
    const f = frame({ track: 'audio', codec: 'aac', dts: 21, payload: Buffer.from([0xaf, 0x01, 0x42]) });
    const a = flvTagChunks(f);
    const b = flvTagChunks(f);
    assert.equal(a, b);
    assert.equal(f.builds, 1);
    assert.equal(f.shared(FLV_TAG_SHARED_KEY, () => undefined), a);
  });

  it('maps data frames to script tags', () => {
    const f = frame({ track: 'data', codec: 'amf0', dts: 0, payload: Buffer.from([0x02, 0x00, 0x00]) });
    assert.equal(buildFlvTag(f)[0][0], 18);
  });

  it('serialises an audio-only stream to the exact bytes of E.2/E.4.1 (extended timestamp byte)', () => {
    const payload = Buffer.from([0xaf, 0x00, 0x12, 0x10]);
    const f = frame({ track: 'audio', codec: 'aac', dts: 0x01000002, sequenceHeader: true, payload, dataOffset: 2 });
    const bytes = Buffer.concat([flvFileHeader({ audio: true, video: false }), ...buildFlvTag(f)]);
    assert.equal(
      bytes.toString('hex'),
      '464c5601' + '04' + '00000009' + '00000000' + // header, audio flag, DataOffset, PreviousTagSize0
        '08' + '000004' + '000002' + '01' + '000000' + // tag: audio, size 4, ts 0x000002 + ext 0x01, stream 0
        'af001210' + // AudioSpecificConfig tag body (passed through)
        '0000000f', // PreviousTagSize = 11 + 4
    );
  });
});
