import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { videoTagKind } from './video-tag-kind.js';

describe('videoTagKind', () => {
  it('reads legacy AVC/HEVC headers (FLV 10.1 E.4.3.1)', () => {
    assert.deepEqual(videoTagKind(0x17, 0x00), { keyframe: false, sequenceHeader: true });
    assert.deepEqual(videoTagKind(0x17, 0x01), { keyframe: true, sequenceHeader: false });
    assert.deepEqual(videoTagKind(0x27, 0x01), { keyframe: false, sequenceHeader: false });
    assert.deepEqual(videoTagKind(0x1c, 0x01), { keyframe: true, sequenceHeader: false });
    assert.deepEqual(videoTagKind(0x17, 0x02), { keyframe: false, sequenceHeader: false });
  });

  it('reads Enhanced RTMP ExVideoTagHeader', () => {
    assert.deepEqual(videoTagKind(0x90, 0x68), { keyframe: false, sequenceHeader: true }); // key, SequenceStart
    assert.deepEqual(videoTagKind(0x91, 0x68), { keyframe: true, sequenceHeader: false }); // key, CodedFrames
    assert.deepEqual(videoTagKind(0x93, 0x68), { keyframe: true, sequenceHeader: false }); // key, CodedFramesX
    assert.deepEqual(videoTagKind(0xa1, 0x68), { keyframe: false, sequenceHeader: false }); // inter
  });
});
