import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { authHarness } = await import('./testing/auth-harness.js');
const { API_SCOPES } = await import('xlive/sdk');
const { scopesForRole } = await import('./roles.js');
const { SetupCode } = await import('./setup-code.js');
const PW = 'correct horse battery';
const ALL = API_SCOPES;

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

  it('brute force from one address locks that (name, address) only; the owner still signs in from a new address', async () => {
    const delays: number[] = [];
    const h = await authHarness({ config: { lockout: { userFailures: 5, ipFailures: 100 } }, delay: async (ms) => void delays.push(ms) });
    try {
      await h.s.accounts.setup('admin', PW, 'setup-ip');
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => h.s.accounts.login('admin', `guess-${i}-xxxxx`, '10.1.0.1')));
      const codes = outcomes.map((o) => (o.status === 'rejected' ? o.reason.code : 'OK'));
      assert.equal(codes.filter((c) => c === 'AUTHENTICATION_FAILED').length, 5, codes.join());
      assert.equal(codes.filter((c) => c === 'RATE_LIMITED').length, 7);
      // The guesser's own address is locked, even with the right password: a guess never gets a session.
      await assert.rejects(() => h.s.accounts.login('admin', PW, '10.1.0.1'), (e: { code: string; retryAfterSeconds: number }) => e.code === 'RATE_LIMITED' && e.retryAfterSeconds > 0);
      assert.equal(h.s.audit.list({ action: 'login.locked' }).length, 1);
      // The owner, from another address, gets in at once.
      assert.equal((await h.s.accounts.login('admin', PW, '10.9.9.9')).user.username, 'admin');
      h.clock.advance(60_000);
      assert.equal((await h.s.accounts.login('admin', PW, '10.1.0.1')).user.username, 'admin', 'the lock ends');
    } finally {
      h.close();
    }
  });

  it('a distributed guess only slows the name down (bounded), never locks the owner out', async () => {
    const delays: number[] = [];
    const h = await authHarness({ config: { lockout: { userFailures: 5, ipFailures: 100, slowdownStepMs: 500, slowdownMaxMs: 4000 } }, delay: async (ms) => void delays.push(ms) });
    try {
      await h.s.accounts.setup('admin', PW, 'setup-ip');
      for (let i = 0; i < 12; i++) await assert.rejects(() => h.s.accounts.login('admin', `guess-${i}-xxxxx`, `10.1.0.${i}`), { code: 'AUTHENTICATION_FAILED' });
      // Attempts 1-5 cost nothing extra; from the 6th on, each waits 500, 1000, 2000, 4000, 4000… ms.
      assert.deepEqual(delays, [500, 1000, 2000, 4000, 4000, 4000, 4000]);
      delays.length = 0;
      assert.equal((await h.s.accounts.login('admin', PW, '10.9.9.9')).user.username, 'admin', 'the owner is slowed, not locked');
      assert.deepEqual(delays, [4000]);
      assert.equal(h.s.audit.list({ action: 'login.locked' }).length, 0);
    } finally {
      h.close();
    }
  });

  it('nobody grants a role they do not hold: users:admin alone cannot create, promote or take over an admin', async () => {
    const h = await authHarness();
    try {
      const { user: admin } = await h.s.accounts.setup('admin', PW, 'ip');
      const usersOnly = ['users:admin'];
      await assert.rejects(() => h.s.accounts.createUser('token:x', 'ip', { username: 'evil', password: PW, role: 'admin' }, usersOnly), { code: 'SCOPE_NOT_HELD' });
      await assert.rejects(() => h.s.accounts.createUser('token:x', 'ip', { username: 'evil', password: PW, role: 'operator' }, usersOnly), { code: 'SCOPE_NOT_HELD' });
      await assert.rejects(() => h.s.accounts.updateUser('token:x', 'ip', admin.id, { password: 'taken over password' }, usersOnly), { code: 'SCOPE_NOT_HELD' });
      assert.throws(() => h.s.accounts.deleteUser('token:x', 'ip', admin.id, usersOnly), { code: 'SCOPE_NOT_HELD' });
      // An operator-level actor with users:admin may manage viewers and operators, not admins.
      const opPlus = [...scopesForRole('operator'), 'users:admin'];
      const v = await h.s.accounts.createUser('token:y', 'ip', { username: 'v', password: PW, role: 'viewer' }, opPlus);
      await assert.rejects(() => h.s.accounts.updateUser('token:y', 'ip', v.id, { role: 'admin' }, opPlus), { code: 'SCOPE_NOT_HELD' });
      assert.equal(h.s.users.count(), 2);
    } finally {
      h.close();
    }
  });

  it('setup code: when the file exists, setup needs it (missing or wrong → 403), the right one works', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'xlive-setup-code-')), 'setup-code');
    writeFileSync(file, 'ABCD-EFGH-JKMN\n');
    const h = await authHarness({ setupCode: new SetupCode(file) });
    try {
      await assert.rejects(() => h.s.accounts.setup('admin', PW, 'ip'), { code: 'FORBIDDEN' });
      await assert.rejects(() => h.s.accounts.setup('admin', PW, 'ip', 'ABCD-EFGH-JKMX'), { code: 'FORBIDDEN' });
      assert.equal(h.s.accounts.isSetupOpen(), true);
      assert.equal((await h.s.accounts.setup('admin', PW, 'ip', 'abcd efgh jkmn')).user.username, 'admin');
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
      const op = await h.s.accounts.createUser('user:admin', 'ip', { username: 'op', password: PW, role: 'operator' }, ALL);
      await assert.rejects(() => h.s.accounts.createUser('user:admin', 'ip', { username: 'OP', password: PW, role: 'viewer' }, ALL), { code: 'CONFLICT' });
      const s = await h.s.accounts.login('op', PW, 'ip');
      await h.s.accounts.updateUser('user:admin', 'ip', op.id, { role: 'viewer' }, ALL);
      assert.equal(h.s.sessions.find(s.session.id), undefined, 'sessions revoked');
      await assert.rejects(() => h.s.accounts.updateUser('user:admin', 'ip', admin.id, { role: 'operator' }, ALL), /last active admin/);
      await assert.rejects(() => h.s.accounts.updateUser('user:admin', 'ip', admin.id, { disabled: true }, ALL), /last active admin/);
      assert.throws(() => h.s.accounts.deleteUser('user:admin', 'ip', admin.id, ALL), /last active admin/);
      await h.s.accounts.updateUser('user:admin', 'ip', op.id, { disabled: true }, ALL);
      await assert.rejects(() => h.s.accounts.login('op', PW, 'ip'), { code: 'AUTHENTICATION_FAILED' });
      h.s.accounts.deleteUser('user:admin', 'ip', op.id, ALL);
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
