import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViewerCounter } from './viewer-counter.js';

test('a viewer counts while seen within the window; each stream on its own', () => {
  let now = 0;
  const v = new ViewerCounter(6000, 100, () => now);
  const a = ViewerCounter.sessionKey('10.0.0.1', 'hls.js');
  const b = ViewerCounter.sessionKey('10.0.0.2', 'hls.js');
  const c = ViewerCounter.sessionKey('10.0.0.1', 'VLC');
  v.touch('live/x', a);
  v.touch('live/x', a);
  v.touch('live/x', b);
  v.touch('live/y', c);
  assert.equal(v.count('live/x'), 2);
  assert.equal(v.count('live/y'), 1);
  now = 5000;
  v.touch('live/x', a);
  now = 7000;
  assert.equal(v.count('live/x'), 1, 'b timed out, a was seen again');
  assert.deepEqual([...v.counts()], [['live/x', 1]]);
  now = 20_000;
  assert.equal(v.count('live/x'), 0);
  assert.equal(v.counts().size, 0);
});

test('session keys hide the address and differ by user agent; the per-stream map is capped', () => {
  const k = ViewerCounter.sessionKey('192.168.1.20', 'Mozilla/5.0');
  assert.ok(!k.includes('192'));
  assert.equal(k.length, 16);
  assert.notEqual(k, ViewerCounter.sessionKey('192.168.1.20', 'curl/8'));
  const v = new ViewerCounter(60_000, 50, () => 0);
  for (let i = 0; i < 1000; i++) v.touch('live/x', `s${i}`);
  assert.equal(v.count('live/x'), 50);
  v.forget('live/x');
  assert.equal(v.count('live/x'), 0);
});
