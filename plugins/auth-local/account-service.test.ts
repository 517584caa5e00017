import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { authHarness } = await import('./testing/auth-harness.js');
const PW = 'correct horse battery';

describe('AccountService: setup, login, lockouts, users', () => {
  it('setup creates exactly one admin, then is closed for good (also for racing calls)', async () => {
    const h = await authHarness();
    try {
      assert.equal(h.s.accounts.isSetupOpen(), true);
      const results = await Promise.allSettled([h.s.accounts.setup('admin', PW, '10.0.0.1'), h.s.accounts.setup('root', PW, '10.0.0.2')]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one wins');
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(lost.reason.code, 'CONFLICT');
      assert.equal(h.s.users.count(), 1);
      assert.equal(h.s.accounts.isSetupOpen(), false);
      // Even with every admin gone, setup stays closed (recovery is on the console).
      h.raw.prepare('DELETE FROM auth_local_users').run();
      assert.equal(h.s.accounts.isSetupOpen(), false);
      await assert.rejects(() => h.s.accounts.setup('again', PW, '10.0.0.3'), { code: 'CONFLICT' });
      assert.deepEqual(h.s.audit.list({ action: 'setup.done' }).length, 1);
    } finally {
      h.close();
    }
  });

  it('setup validates the name and password', async () => {
    const h = await authHarness();
    try {
      await assert.rejects(() => h.s.accounts.setup('admin', 'short', 'ip'), { code: 'VALIDATION_FAILED' });
      await assert.rejects(() => h.s.accounts.setup('bad name!', PW, 'ip'), { code: 'VALIDATION_FAILED' });
      await assert.rejects(() => h.s.accounts.setup('admin1234567', 'ADMIN1234567', 'ip'), /must not be the username/);
      assert.equal(h.s.accounts.isSetupOpen(), true);
    } finally {
      h.close();
    }
  });

  it('login opens a session; wrong passwords and unknown users get the same answer', async () => {
    const h = await authHarness();
    try {
      await h.s.accounts.setup('admin', PW, 'ip');
      const ok = await h.s.accounts.login('ADMIN', PW, 'ip');
      assert.equal(ok.user.username, 'admin');
      assert.ok(h.s.sessions.find(ok.session.id));
      await assert.rejects(() => h.s.accounts.login('admin', 'wrong password!', 'ip'), { code: 'AUTHENTICATION_FAILED', message: 'wrong username or password' });
      await assert.rejects(() => h.s.accounts.login('nobody', PW, 'ip'), { code: 'AUTHENTICATION_FAILED', message: 'wrong username or password' });
      await assert.rejects(() => h.s.accounts.login(42, {}, 'ip'), { code: 'AUTHENTICATION_FAILED' });
      const failed = h.s.audit.list({ action: 'login.failed' });
      assert.deepEqual(failed.map((e) => e.detail['reason']).sort(), ['unknown user', 'unknown user', 'wrong password']);
    } finally {
      h.close();
    }
  });

  it('brute force: after 5 failures the name is locked (429), even the right password gets no session', async () => {
    const h = await authHarness({ config: { lockout: { userFailures: 5, ipFailures: 100 } } });
    try {
      await h.s.accounts.setup('admin', PW, 'setup-ip');
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => h.s.accounts.login('admin', `guess-${i}-xxxxx`, `10.1.0.${i}`)));
      const codes = outcomes.map((o) => (o.status === 'rejected' ? o.reason.code : 'OK'));
      assert.equal(codes.filter((c) => c === 'AUTHENTICATION_FAILED').length, 5, codes.join());
      assert.equal(codes.filter((c) => c === 'RATE_LIMITED').length, 7);
      await assert.rejects(() => h.s.accounts.login('admin', PW, '10.9.9.9'), (e: { code: string; retryAfterSeconds: number }) => e.code === 'RATE_LIMITED' && e.retryAfterSeconds > 0);
      assert.equal((h.raw.prepare('SELECT COUNT(*) AS n FROM auth_local_sessions').get() as { n: number }).n, 1, 'only the setup session');
      assert.equal(h.s.audit.list({ action: 'login.locked' }).length, 1);
      h.clock.advance(60_000);
      assert.equal((await h.s.accounts.login('admin', PW, '10.9.9.9')).user.username, 'admin', 'the lock ends');
    } finally {
      h.close();
    }
  });

  it('per-IP limit: one address cannot spray many names', async () => {
    const h = await authHarness({ config: { lockout: { userFailures: 100, ipFailures: 3 } } });
    try {
      for (let i = 0; i < 3; i++) await assert.rejects(() => h.s.accounts.login(`user${i}`, 'xxxxxxxxxxxx', '203.0.113.5'), { code: 'AUTHENTICATION_FAILED' });
      await assert.rejects(() => h.s.accounts.login('user9', 'xxxxxxxxxxxx', '203.0.113.5'), { code: 'RATE_LIMITED' });
      await assert.rejects(() => h.s.accounts.login('user9', 'xxxxxxxxxxxx', '203.0.113.6'), { code: 'AUTHENTICATION_FAILED' });
    } finally {
      h.close();
    }
  });

  it('users: roles, role change ends sessions, the last active admin stays', async () => {
    const h = await authHarness();
    try {
      const { user: admin } = await h.s.accounts.setup('admin', PW, 'ip');
      const op = await h.s.accounts.createUser('user:admin', 'ip', { username: 'op', password: PW, role: 'operator' });
      await assert.rejects(() => h.s.accounts.createUser('user:admin', 'ip', { username: 'OP', password: PW, role: 'viewer' }), { code: 'CONFLICT' });
      const s = await h.s.accounts.login('op', PW, 'ip');
      await h.s.accounts.updateUser('user:admin', 'ip', op.id, { role: 'viewer' });
      assert.equal(h.s.sessions.find(s.session.id), undefined, 'sessions revoked');
      await assert.rejects(() => h.s.accounts.updateUser('user:admin', 'ip', admin.id, { role: 'operator' }), /last active admin/);
      await assert.rejects(() => h.s.accounts.updateUser('user:admin', 'ip', admin.id, { disabled: true }), /last active admin/);
      assert.throws(() => h.s.accounts.deleteUser('user:admin', 'ip', admin.id), /last active admin/);
      await h.s.accounts.updateUser('user:admin', 'ip', op.id, { disabled: true });
      await assert.rejects(() => h.s.accounts.login('op', PW, 'ip'), { code: 'AUTHENTICATION_FAILED' });
      h.s.accounts.deleteUser('user:admin', 'ip', op.id);
      assert.deepEqual(h.s.audit.list().map((e) => e.action).slice(0, 3), ['user.deleted', 'login.failed', 'user.updated']);
    } finally {
      h.close();
    }
  });

  it('console: create an admin (closes setup), reset a password (ends sessions, clears the lockout)', async () => {
    const h = await authHarness({ config: { lockout: { userFailures: 1 } } });
    try {
      await h.s.accounts.createAdmin('boss', PW);
      assert.equal(h.s.accounts.isSetupOpen(), false);
      const s = await h.s.accounts.login('boss', PW, 'ip');
      await assert.rejects(() => h.s.accounts.login('boss', 'nope-nope-nope', 'ip'), { code: 'AUTHENTICATION_FAILED' });
      await assert.rejects(() => h.s.accounts.login('boss', PW, 'ip'), { code: 'RATE_LIMITED' });
      await h.s.accounts.resetPassword('BOSS', 'a brand new password');
      assert.equal(h.s.sessions.find(s.session.id), undefined);
      assert.equal((await h.s.accounts.login('boss', 'a brand new password', 'ip2')).user.username, 'boss');
      await assert.rejects(() => h.s.accounts.resetPassword('ghost', PW), /no user named/);
      assert.equal(h.s.audit.list({ action: 'user.password-reset' })[0]?.actor, 'console');
    } finally {
      h.close();
    }
  });
});
