import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { patternToRegExp, RouteMatcher } from './route-matcher.js';

describe('route matcher', () => {
  it('matches Hono patterns and lists the methods served at a path', () => {
    const m = new RouteMatcher(() => [
      { method: 'GET', path: '/api/v1/streams' },
      { method: 'GET', path: '/api/v1/streams/:app/:name' },
      { method: 'DELETE', path: '/api/v1/streams/:app/:name' },
      { method: 'GET', path: '/hls/*' },
      { method: 'GET', path: '/panel/:file{.+\\.js}' },
    ]);
    assert.deepEqual(m.allowed('/api/v1/streams'), ['GET', 'HEAD']);
    assert.deepEqual(m.allowed('/api/v1/streams/'), ['GET', 'HEAD']);
    assert.deepEqual(m.allowed('/api/v1/streams/live/a'), ['DELETE', 'GET', 'HEAD']);
    assert.deepEqual(m.allowed('/api/v1/streams/live/a/b'), []);
    assert.deepEqual(m.allowed('/hls/live/a/index.m3u8'), ['GET', 'HEAD']);
    assert.deepEqual(m.allowed('/panel/app.js'), ['GET', 'HEAD']);
    assert.deepEqual(m.allowed('/panel/app.css'), []);
    assert.ok(patternToRegExp('/a/:id?').test('/a'));
    assert.ok(patternToRegExp('/a/:id?').test('/a/1'));
    assert.ok(!patternToRegExp('/a.b').test('/aXb'));
  });
});
