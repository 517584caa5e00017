import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const { authHarness } = await import('./testing/auth-harness.js');
const { LockoutLimiter } = await import('./lockout-limiter.js');

const MIN = 60_000;
const policy = { windowMs: 15 * MIN, baseMs: MIN, maxMs: 8 * MIN, forgetAfterMs: 24 * 60 * MIN };

describe('LockoutLimiter: persistent, growing lockouts', () => {
  it('allows `limit` attempts, then locks for base, 2·base, 4·base … capped at max', async () => {
    const h = await authHarness();
    try {
      const l = new LockoutLimiter(h.db, policy, () => h.clock.now);
      const key = [{ key: 'login-user:alice', limit: 3 }];
      const expected = [1, 2, 4, 8, 8].map((m) => m * MIN);
      for (const lockMs of expected) {
        for (let i = 0; i < 3; i++) assert.deepEqual(l.attempt(key), { allowed: true });
        const r = l.attempt(key);
        assert.deepEqual(r, { allowed: false, retryAfterMs: lockMs, lockedNow: true });
        // While locked, attempts are refused and not counted.
        h.clock.advance(lockMs - 1);
        assert.equal(l.attempt(key).allowed, false);
        assert.equal(l.peek('login-user:alice').failures, 0);
        h.clock.advance(1);
      }
      assert.equal(l.peek('login-user:alice').level, 5);
    } finally {
      h.close();
    }
  });

  it('counts per window, gives a point back on success, forgets the level after a quiet day', async () => {
    const h = await authHarness();
    try {
      const l = new LockoutLimiter(h.db, policy, () => h.clock.now);
      const key = [{ key: 'k', limit: 2 }];
      l.attempt(key);
      l.attempt(key);
      h.clock.advance(15 * MIN + 1);
      assert.deepEqual(l.attempt(key), { allowed: true }, 'a new window');
      l.refund('k');
      assert.equal(l.peek('k').failures, 0);
      l.attempt(key);
      l.attempt(key);
      assert.equal(l.attempt(key).allowed, false);
      assert.equal(l.peek('k').level, 1);
      h.clock.advance(24 * 60 * MIN + MIN + 1);
      assert.equal(l.peek('k').level, 0, 'doubling starts over');
      assert.equal(l.prune(), 1, 'idle rows are pruned');
    } finally {
      h.close();
    }
  });

  it('locks on whichever key is full and counts nothing when refused', async () => {
    const h = await authHarness();
    try {
      const l = new LockoutLimiter(h.db, policy, () => h.clock.now);
      for (let i = 0; i < 2; i++) assert.equal(l.attempt([{ key: 'ip', limit: 2 }, { key: `user-${i}`, limit: 5 }]).allowed, true);
      const r = l.attempt([{ key: 'ip', limit: 2 }, { key: 'user-9', limit: 5 }]);
      assert.equal(r.allowed, false);
      assert.equal(l.peek('user-9').failures, 0);
      l.reset('ip');
      assert.equal(l.attempt([{ key: 'ip', limit: 2 }]).allowed, true);
    } finally {
      h.close();
    }
  });

  it('survives a restart (the lock is in SQLite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-lockout-'));
    try {
      const first = await authHarness({ dbFile: join(dir, 'x.db') });
      const l1 = new LockoutLimiter(first.db, policy, () => first.clock.now);
      for (let i = 0; i < 4; i++) l1.attempt([{ key: 'login-ip:10.0.0.9', limit: 3 }]);
      const at = first.clock.now;
      first.close();
      const second = await authHarness({ dbFile: join(dir, 'x.db'), startMs: at + 1000 });
      try {
        const l2 = new LockoutLimiter(second.db, policy, () => second.clock.now);
        const r = l2.attempt([{ key: 'login-ip:10.0.0.9', limit: 3 }]);
        assert.deepEqual(r, { allowed: false, retryAfterMs: MIN - 1000, lockedNow: false });
      } finally {
        second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
