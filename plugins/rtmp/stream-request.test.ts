import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectTarget, splitQuery, streamRequest } from './stream-request.js';

describe('stream requests', () => {
  it('splits names and queries', () => {
    assert.deepEqual(splitQuery('cam1?key=abc&token=x%20y'), { base: 'cam1', query: { key: 'abc', token: 'x y' } });
    assert.deepEqual(splitQuery('cam1'), { base: 'cam1', query: {} });
  });

  it('merges tcUrl, app and name queries, later ones winning', () => {
    const target = connectTarget({ app: '/live?key=fromapp/', tcUrl: 'rtmp://h:1935/live?key=fromurl&token=t' });
    assert.deepEqual(target.app, 'live');
    assert.deepEqual(streamRequest(target, 'stage'), { app: 'live', name: 'stage', query: { key: 'fromapp/', token: 't' } });
    assert.deepEqual(streamRequest(target, 'stage?key=fromname').query.key, 'fromname');
  });

  it('keeps query keys as own properties only', () => {
    const { query } = splitQuery('x?__proto__=1&constructor=2');
    assert.equal(Object.getPrototypeOf(query), Object.prototype);
    assert.equal(query['__proto__' as 'x'], '1');
  });

  it('tolerates connect objects without app or tcUrl', () => {
    assert.deepEqual(connectTarget(null), { app: '', query: {}, tcUrl: '' });
    assert.deepEqual(connectTarget({ app: 5 }), { app: '', query: {}, tcUrl: '' });
  });
});
