import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, keysetPage, listQuery, pageOf } from './list-page.js';

describe('list page', () => {
  it('reads limit and cursor, refusing bad ones with VALIDATION_FAILED', () => {
    assert.deepEqual(listQuery({}), { limit: 50, cursor: undefined });
    assert.equal(listQuery({ limit: '500' }).limit, 500);
    for (const limit of ['0', '501', '-1', '1.5', 'x', '1e2']) assert.throws(() => listQuery({ limit }), { code: 'VALIDATION_FAILED' }, limit);
    for (const cursor of ['!!', 'bm90LWpzb24', encodeCursor({ o: 1 }).repeat(100), Buffer.from('[1]').toString('base64url')]) {
      assert.throws(() => listQuery({ cursor }), { code: 'VALIDATION_FAILED' }, cursor);
    }
    assert.deepEqual(decodeCursor(encodeCursor({ b: 7 })), { b: 7 });
  });

  it('pages an array by offset and a keyset by its last key', () => {
    const all = [1, 2, 3, 4, 5];
    const p1 = pageOf(all, { limit: 2, cursor: undefined });
    const p2 = pageOf(all, listQuery({ limit: '2', cursor: p1.next! }));
    const p3 = pageOf(all, listQuery({ limit: '2', cursor: p2.next! }));
    assert.deepEqual([p1.items, p2.items, p3.items, p3.next], [[1, 2], [3, 4], [5], null]);
    assert.deepEqual(keysetPage([9, 8, 7], 2, (n) => ({ b: n })), { items: [9, 8], next: encodeCursor({ b: 8 }) });
    assert.deepEqual(keysetPage([9, 8], 2, (n) => ({ b: n })), { items: [9, 8], next: null });
  });
});
