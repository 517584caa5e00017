import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttemptLimiter } from './attempt-limiter.js';

describe('AttemptLimiter (in memory)', () => {
  it('allows `points` per window, then refuses until the window ends', () => {
    let now = 0;
    const l = new AttemptLimiter({ points: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) assert.deepEqual(l.consume('a'), { ok: true });
    assert.deepEqual(l.consume('a'), { ok: false, retryAfterMs: 1000, blockedNow: true });
    assert.deepEqual(l.consume('b'), { ok: true }, 'keys are independent');
    now = 999;
    assert.equal(l.consume('a').ok, false);
    now = 1000;
    assert.deepEqual(l.consume('a'), { ok: true });
  });

  it('blocks for blockMs once used up, and reports it', () => {
    let now = 0;
    const l = new AttemptLimiter({ points: 1, windowMs: 1000, blockMs: 5000, now: () => now });
    l.consume('ip');
    assert.deepEqual(l.consume('ip'), { ok: false, retryAfterMs: 5000, blockedNow: true });
    now = 4000;
    assert.equal(l.blockedFor('ip'), 1000);
    assert.deepEqual(l.consume('ip'), { ok: false, retryAfterMs: 1000, blockedNow: false });
    now = 5000;
    assert.equal(l.blockedFor('ip'), 0);
    assert.deepEqual(l.consume('ip'), { ok: true });
  });

  it('keeps at most maxKeys entries under 20000 distinct keys', () => {
    let now = 0;
    const l = new AttemptLimiter({ points: 1, windowMs: 60_000, maxKeys: 100, now: () => now });
    for (let i = 0; i < 20_000; i++) {
      l.consume(`ip-${i}`);
      now += 1;
      assert.ok(l.size <= 100);
    }
  });
});
