import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRange, piecesOf } from './byte-range.js';

describe('byte ranges (RFC 9110 §14)', () => {
  it('reads a-b, a- and -n, clamped to the representation', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { kind: 'partial', range: { start: 0, end: 99 } });
    assert.deepEqual(parseRange('bytes=900-', 1000), { kind: 'partial', range: { start: 900, end: 999 } });
    assert.deepEqual(parseRange('bytes=900-5000', 1000), { kind: 'partial', range: { start: 900, end: 999 } });
    assert.deepEqual(parseRange('bytes=-100', 1000), { kind: 'partial', range: { start: 900, end: 999 } });
    assert.deepEqual(parseRange('bytes=-5000', 1000), { kind: 'partial', range: { start: 0, end: 999 } });
  });
  it('is unsatisfiable past the end, and ignores what it does not support', () => {
    assert.deepEqual(parseRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=1000-1001', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange(undefined, 1000), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=0-1,5-6', 1000), { kind: 'full' });
    assert.deepEqual(parseRange('items=0-1', 1000), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=5-1', 1000), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=-', 1000), { kind: 'full' });
    assert.deepEqual(parseRange('bytes=999999999999999-', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseRange('bytes=99999999999999999-', 1000), { kind: 'full' }, 'more digits than any file: not a range we read');
  });
  it('maps a range onto concatenated pieces', () => {
    assert.deepEqual(piecesOf([10, 10, 10], { start: 5, end: 24 }), [
      { index: 0, offset: 5, length: 5 },
      { index: 1, offset: 0, length: 10 },
      { index: 2, offset: 0, length: 5 },
    ]);
    assert.deepEqual(piecesOf([10, 10], { start: 10, end: 10 }), [{ index: 1, offset: 0, length: 1 }]);
    assert.deepEqual(piecesOf([10, 0, 10], { start: 0, end: 19 }), [
      { index: 0, offset: 0, length: 10 },
      { index: 2, offset: 0, length: 10 },
    ]);
  });
});
