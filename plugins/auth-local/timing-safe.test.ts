import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { digestEqual, safeEqual, sha256Hex } from './timing-safe.js';
import { seededRandom as rng } from 'xlive/sdk/testing';


describe('timing-safe comparisons', () => {
  it('safeEqual: equal strings and buffers match, anything else does not', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual(Buffer.from('abc'), 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false, 'different lengths do not throw, they differ');
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('', 'x'), false);
    assert.equal(safeEqual('é', 'e\u0301'), false, 'no normalisation: bytes are compared');
  });

  it('safeEqual agrees with === on 3000 seeded random pairs (incl. one-byte changes)', () => {
    const r = rng(0x5afe);
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(r() * 64);
      const a = Array.from({ length: len }, () => String.fromCharCode(33 + Math.floor(r() * 90))).join('');
      let b = a;
      const mode = i % 3;
      if (mode === 1 && len > 0) {
        const at = Math.floor(r() * len);
        b = a.slice(0, at) + String.fromCharCode(((a.charCodeAt(at) - 33 + 1) % 90) + 33) + a.slice(at + 1);
      } else if (mode === 2) {
        b = a + 'x';
      }
      assert.equal(safeEqual(a, b), a === b, `pair ${i}`);
    }
  });

  it('digestEqual compares equal-length digests and refuses length mismatches without throwing', () => {
    const d = randomBytes(32);
    assert.equal(digestEqual(d, Buffer.from(d)), true);
    const e = Buffer.from(d);
    e[31] = e[31]! ^ 1;
    assert.equal(digestEqual(d, e), false);
    assert.equal(digestEqual(d, d.subarray(0, 31)), false);
  });

  it('sha256Hex is the standard SHA-256 (FIPS 180-4 "abc" vector)', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
