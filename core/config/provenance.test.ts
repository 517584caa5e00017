import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors/xlive-error.js';
import type { ConfigTree } from './key-path.js';
import { mergeLayer } from './merge-layer.js';
import { Provenance } from './provenance.js';

describe('Provenance', () => {
  it('names the layer of a leaf, of a parent set as a whole, of a section, or defaults', () => {
    const p = new Provenance();
    p.record('http.port', 'local /c/local.json');
    p.record('http.host', 'env XLIVE_HTTP_HOST');
    p.record('streams', 'env XLIVE_STREAMS');
    assert.equal(p.origin('http.port'), 'local /c/local.json');
    assert.equal(p.origin('http'), 'env XLIVE_HTTP_HOST');
    assert.equal(p.origin('streams.maxStreams'), 'env XLIVE_STREAMS');
    assert.equal(p.origin('log.level'), 'defaults');
  });

  it('forgets what a later record replaces, and scopes to a subtree', () => {
    const p = new Provenance();
    p.record('plugins.rtmp.tls.cert', 'default /c/default.json');
    p.record('plugins.rtmp.port', 'local /c/local.json');
    p.record('plugins.rtmp.tls', 'settings');
    assert.equal(p.origin('plugins.rtmp.tls.cert'), 'settings');
    const s = p.scoped('plugins.rtmp');
    assert.equal(s.origin('port'), 'local /c/local.json');
    assert.equal(s.origin('tls'), 'settings');
    assert.equal(s.origin('host'), 'defaults');
  });
});

describe('mergeLayer', () => {
  it('merges objects key by key, replaces arrays and scalars, and credits each leaf', () => {
    const target: ConfigTree = {};
    const p = new Provenance();
    mergeLayer(target, { data: { a: { b: 1, list: [1, 2] }, c: 'x' }, origin: 'one' }, p);
    mergeLayer(target, { data: { a: { list: [3] }, c: { d: true } }, origin: 'two' }, p);
    assert.deepEqual(target, { a: { b: 1, list: [3] }, c: { d: true } });
    assert.deepEqual(['a.b', 'a.list', 'c', 'c.d'].map((k) => p.origin(k)), ['one', 'two', 'two', 'two']);
  });

  it('refuses keys that reach the prototype', () => {
    const data = JSON.parse('{"a":{"constructor":{"x":1}}}') as ConfigTree;
    assert.throws(() => mergeLayer({}, { data, origin: 'local /c/local.json' }, new Provenance()), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, 'config: a.constructor (from local /c/local.json) is not an allowed key');
      return true;
    });
  });
});
