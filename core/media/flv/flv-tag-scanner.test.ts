import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flvBytes, SAMPLE_FLV } from '../../../test/helpers/flv-bytes.js';
import { ParseError } from '../errors.js';
import { FlvTagScanner, type FlvTagInfo } from './flv-tag-scanner.js';

const FIXTURE = SAMPLE_FLV;


const EXPECTED: FlvTagInfo[] = [
  { type: 18, timestamp: 0, size: 14, keyframe: false, sequenceHeader: false },
  { type: 9, timestamp: 0, size: 7, keyframe: false, sequenceHeader: true },
  { type: 8, timestamp: 0, size: 4, keyframe: false, sequenceHeader: false },
  { type: 9, timestamp: 0, size: 7, keyframe: true, sequenceHeader: false },
  { type: 8, timestamp: 21, size: 3, keyframe: false, sequenceHeader: false },
  { type: 9, timestamp: 33, size: 6, keyframe: false, sequenceHeader: false },
  { type: 9, timestamp: 0x01000005, size: 1, keyframe: false, sequenceHeader: false },
];

function scan(chunks: Buffer[]): FlvTagInfo[] {
  const out: FlvTagInfo[] = [];
  const s = new FlvTagScanner((t) => out.push({ ...t }));
  for (const c of chunks) s.push(c);
  return out;
}

function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 0x100000000;
  };
}

describe('FlvTagScanner', () => {
  it('reports every tag header of a whole stream', () => {
    assert.deepEqual(scan([FIXTURE]), EXPECTED);
  });

  it('gives the same tags for a stream split at every byte position', () => {
    for (let i = 0; i <= FIXTURE.length; i++) {
      assert.deepEqual(scan([FIXTURE.subarray(0, i), FIXTURE.subarray(i)]), EXPECTED, `split at ${i}`);
    }
    assert.deepEqual(scan([...FIXTURE].map((b) => Buffer.from([b]))), EXPECTED);
  });

  it('gives the same tags for seeded random chunkings', () => {
    const rnd = seeded(42);
    for (let round = 0; round < 500; round++) {
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < FIXTURE.length; ) {
        const n = 1 + Math.floor(rnd() * 20);
        chunks.push(FIXTURE.subarray(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(scan(chunks), EXPECTED);
    }
  });

  it('rejects a stream that is not FLV with a ParseError', () => {
    assert.throws(() => scan([Buffer.from('HTTP/1.1 404 Not Found\r\n')]), ParseError);
  });

  it('rejects a tag larger than the limit', () => {
    const big = flvBytes([{ type: 9, timestamp: 0, body: new Array(64).fill(0x27) }]);
    const s = new FlvTagScanner(() => {}, 32);
    assert.throws(() => s.push(big), (err: unknown) => err instanceof ParseError && /exceeds 32/.test(err.message));
  });

  it('survives seeded garbage after a valid header: only ParseErrors, no hang', () => {
    const rnd = seeded(7);
    for (let round = 0; round < 2000; round++) {
      const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      const s = new FlvTagScanner(() => {}, 1 << 20);
      try {
        s.push(FIXTURE.subarray(0, 13));
        s.push(garbage);
      } catch (err) {
        assert.ok(err instanceof ParseError, String(err));
      }
    }
  });
});

