import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { authHarness } = await import('./testing/auth-harness.js');

describe('SessionStore', () => {
  it('stores only a hash of the id; sessions expire and can be revoked one by one or all at once', async () => {
    const h = await authHarness({ config: { sessionTtlHours: 1 } });
    try {
      const { user } = await h.s.accounts.setup('admin', 'correct horse battery', 'ip');
      const a = h.s.sessions.create(user.id, '10.0.0.1');
      const b = h.s.sessions.create(user.id, '10.0.0.2');
      assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
      const stored = h.raw.prepare('SELECT id_hash FROM auth_local_sessions').all() as Array<{ id_hash: string }>;
      assert.ok(stored.every((r) => r.id_hash !== a.id && /^[0-9a-f]{64}$/.test(r.id_hash)));
      assert.equal(h.s.sessions.find(a.id)?.userId, user.id);
      assert.equal(h.s.sessions.find('not-a-session'), undefined);
      assert.equal(h.s.sessions.revoke(a.id), true);
      assert.equal(h.s.sessions.find(a.id), undefined);
      assert.equal(h.s.sessions.revokeAllFor(user.id), 2, 'b and the setup session');
      assert.equal(h.s.sessions.find(b.id), undefined);
      const c = h.s.sessions.create(user.id, 'ip');
      h.clock.advance(3_600_000);
      assert.equal(h.s.sessions.find(c.id), undefined, 'expired');
    } finally {
      h.close();
    }
  });

  it('keeps at most maxSessionsPerUser live sessions (the oldest are revoked)', async () => {
    const h = await authHarness({ config: { maxSessionsPerUser: 3 } });
    try {
      const { user, session: first } = await h.s.accounts.setup('admin', 'correct horse battery', 'ip');
      const ids = [];
      for (let i = 0; i < 5; i++) {
        h.clock.advance(1000);
        ids.push(h.s.sessions.create(user.id, 'ip').id);
      }
      assert.equal(h.s.sessions.find(first.id), undefined);
      assert.deepEqual(ids.map((id) => h.s.sessions.find(id) !== undefined), [false, false, true, true, true]);
    } finally {
      h.close();
    }
  });

  it('CSRF token: bound to the session, checked in constant time, absent or wrong is refused', async () => {
    const h = await authHarness();
    try {
      const { session } = await h.s.accounts.setup('admin', 'correct horse battery', 'ip');
      const other = h.s.sessions.create(1, 'ip');
      const token = h.s.sessions.csrfTokenFor(session.id);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(h.s.sessions.checkCsrf(session.id, token), true);
      assert.equal(h.s.sessions.checkCsrf(session.id, undefined), false);
      assert.equal(h.s.sessions.checkCsrf(session.id, ''), false);
      assert.equal(h.s.sessions.checkCsrf(session.id, h.s.sessions.csrfTokenFor(other.id)), false);
      assert.equal(h.s.sessions.checkCsrf(session.id, token.slice(0, -1)), false);
    } finally {
      h.close();
    }
  });
});
