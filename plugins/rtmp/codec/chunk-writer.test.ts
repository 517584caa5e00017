import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Frame } from 'xlive/sdk';
import { SeededRandom } from 'xlive/sdk/testing';

const { encodeChunks, frameChunks, chunksLength, isMetadataFrame } = await import('./chunk-writer.js');
const { ChunkReader } = await import('./chunk-reader.js');
const { encodeAmf0, EcmaArray } = await import('xlive/media');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** A minimal Frame with the hub's memo semantics. */
function frame(init: Partial<Frame> & Pick<Frame, 'track' | 'payload'>): Frame & { builds: number } {
  const memo = new Map<string, unknown>();
  const f = {
    codec: 'h264', dts: 0, cts: 0, keyframe: false, sequenceHeader: false, dataOffset: 0, builds: 0,
    ...init,
    shared<T>(key: string, build: (fr: Frame) => T): T {
      if (!memo.has(key)) {
        f.builds++;
        memo.set(key, build(f as unknown as Frame));
      }
      return memo.get(key) as T;
    },
  };
  return f as unknown as Frame & { builds: number };
}

describe('chunk writer', () => {
  it('writes one fmt 0 chunk byte for byte (RTMP 1.0 spec 5.3.1.2.1)', () => {
    const chunks = encodeChunks({ csid: 3, typeId: 20, streamId: 1, timestamp: 1000, payload: Buffer.from('hi') }, 128);
    assert.deepEqual(Buffer.concat(chunks), hex('03 0003e8 000002 14 01000000 6869'));
  });

  it('continues with fmt 3 headers at the chunk size, payload pieces as views', () => {
    const payload = Buffer.alloc(300, 7);
    const chunks = encodeChunks({ csid: 6, typeId: 9, streamId: 1, timestamp: 0, payload }, 128);
    assert.deepEqual(chunks.map((c) => c.length), [12, 128, 1, 128, 1, 44]);
    assert.deepEqual(chunks[2], hex('c6'));
    for (const piece of [chunks[1]!, chunks[3]!, chunks[5]!]) assert.equal(piece.buffer, payload.buffer, 'no payload copy');
  });

  it('writes extended timestamps on every chunk of the message', () => {
    const chunks = encodeChunks({ csid: 4, typeId: 8, streamId: 1, timestamp: 0x1_0100_0005, payload: Buffer.alloc(130) }, 128);
    assert.deepEqual(chunks[0], hex('04 ffffff 000082 08 01000000 01000005'), 'timestamp modulo 2^32');
    assert.deepEqual(chunks[2], hex('c4 01000005'));
  });

  it('writes 2- and 3-byte basic headers', () => {
    assert.deepEqual(encodeChunks({ csid: 100, typeId: 18, streamId: 0, timestamp: 0, payload: Buffer.alloc(0) }, 128)[0]!.subarray(0, 2), hex('0024'));
    assert.deepEqual(encodeChunks({ csid: 400, typeId: 18, streamId: 0, timestamp: 0, payload: Buffer.alloc(0) }, 128)[0]!.subarray(0, 3), hex('015001'));
    assert.throws(() => encodeChunks({ csid: 1, typeId: 1, streamId: 0, timestamp: 0, payload: Buffer.alloc(0) }, 128), RangeError);
  });

  it('round-trips through the reader for random messages and chunk sizes', () => {
    const rnd = new SeededRandom(99);
    for (let i = 0; i < 300; i++) {
      const chunkSize = rnd.pick([1, 7, 128, 4096, 65536]);
      const msg = {
        csid: rnd.pick([2, 3, 63, 64, 319, 320, 65599]),
        typeId: 9,
        streamId: rnd.int(5),
        timestamp: rnd.pick([0, 1, 0xfffffe, 0xffffff, 0x12345678]),
        payload: rnd.bytes(rnd.int(3000)),
      };
      const reader = new ChunkReader();
      reader.chunkSize = chunkSize;
      const [got, ...more] = reader.push(Buffer.concat(encodeChunks(msg, chunkSize)));
      assert.equal(more.length, 0);
      assert.deepEqual(got, msg);
    }
  });

  it('builds a frame\'s chunks once per chunk size and stream id, shared by viewers', () => {
    const f = frame({ track: 'video', dts: 40, payload: Buffer.alloc(5000) });
    const a = frameChunks(f, 4096, 1);
    assert.equal(frameChunks(f, 4096, 1), a, 'second viewer reuses the chunks');
    frameChunks(f, 128, 1);
    frameChunks(f, 4096, 2);
    assert.equal(f.builds, 3);
    assert.equal(chunksLength(a), 12 + 4096 + 1 + 904);
    assert.deepEqual(a[0], hex('06 000028 001388 09 01000000'));
  });

  it('sends metadata at timestamp 0 and other data at its own time', () => {
    const meta = frame({ track: 'data', codec: 'amf0', dts: 5000, payload: encodeAmf0(['onMetaData', new EcmaArray({ width: 2 })]) });
    const cue = frame({ track: 'data', codec: 'amf0', dts: 5000, payload: encodeAmf0(['onCuePoint', {}]) });
    assert.ok(isMetadataFrame(meta) && !isMetadataFrame(cue));
    assert.equal(frameChunks(meta, 4096, 1)[0]!.readUIntBE(1, 3), 0);
    assert.equal(frameChunks(cue, 4096, 1)[0]!.readUIntBE(1, 3), 5000);
    assert.equal(frameChunks(cue, 4096, 1)[0]![7], 18, 'AMF0 data message type');
  });
});
