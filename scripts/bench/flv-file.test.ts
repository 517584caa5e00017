import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from '../../core/media/errors.js';
import { SAMPLE_FLV } from '../../test/helpers/flv-bytes.js';
import { parseClip } from './flv-file.js';

const FIXTURE = SAMPLE_FLV;

describe('parseClip', () => {
  it('reads tags, flags configs and keyframes, and computes the loop duration', () => {
    const clip = parseClip(FIXTURE.subarray(0, FIXTURE.length - 16)); // without the extended-timestamp tag
    assert.equal(clip.tags.length, 6);
    assert.deepEqual(
      clip.tags.map((t) => [t.type, t.config, t.keyframe]),
      [[18, true, false], [9, true, false], [8, true, false], [9, false, true], [8, false, false], [9, false, false]],
    );
    assert.equal(clip.durationMs, 66); // last video frame 33 + one 33 ms interval
    assert.deepEqual([...clip.tags[3]!.body], [0x17, 0x01, 0, 0, 0x43, 0xaa, 0xbb]);
  });

  it('rejects a file that is not FLV', () => {
    assert.throws(() => parseClip(Buffer.from('not an flv file at all')), ParseError);
  });
});
