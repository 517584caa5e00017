import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { authHarness } = await import('./testing/auth-harness.js');
const { signJwt } = await import('./jwt.js');

/** An admin to bind tokens to (created once per harness). */
function creator(h: Awaited<ReturnType<typeof authHarness>>): number {
  return (h.s.users.findByName('creator') ?? h.s.users.create('creator', 'admin', 'not-a-hash')).id;
}

describe('TokenStore: API tokens', () => {
  it('creates a JWT carrying the token id and scopes, checked against the table', async () => {
    const h = await authHarness();
    try {
      const { token, jwt } = h.s.tokens.create('ci', ['streams:read', 'metrics:read'], 'user:admin', creator(h), null);
      assert.match(token.id, /^tok_[A-Za-z0-9_-]{16}$/);
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      assert.deepEqual({ ...claims, iat: 0 }, { iss: 'xlive', jti: token.id, scope: 'streams:read metrics:read', iat: 0 });
      const verified = h.s.tokens.verify(jwt);
      assert.deepEqual(verified.scopes, ['streams:read', 'metrics:read']);
      assert.ok(!JSON.stringify(h.raw.prepare('SELECT * FROM auth_local_tokens').all()).includes(jwt.split('.')[2]!), 'the JWT is not stored');
    } finally {
      h.close();
    }
  });

  it('revoked, expired and unknown tokens are refused', async () => {
    const h = await authHarness();
    try {
      const a = h.s.tokens.create('a', ['streams:read'], 'x', creator(h), null);
      const b = h.s.tokens.create('b', ['streams:read'], 'x', creator(h), h.clock.now + 60_000);
      assert.equal(h.s.tokens.revoke(a.token.id), true);
      assert.equal(h.s.tokens.revoke(a.token.id), false);
      assert.throws(() => h.s.tokens.verify(a.jwt), /was revoked/);
      h.s.tokens.verify(b.jwt);
      h.clock.advance(60_000);
      assert.throws(() => h.s.tokens.verify(b.jwt), /expired/);
      // Signed with this box's key but naming no row (e.g. deleted): refused.
      const key = h.s.boxKeys.jwt;
      assert.throws(() => h.s.tokens.verify(signJwt({ iss: 'xlive', jti: 'tok_gone', scope: 'system:admin' }, key)), /unknown token id/);
      assert.throws(() => h.s.tokens.verify(signJwt({ jti: a.token.id }, key)), /not issued by this box/);
      assert.throws(() => h.s.tokens.create('late', ['streams:read'], 'x', creator(h), h.clock.now - 1), { code: 'VALIDATION_FAILED' });
    } finally {
      h.close();
    }
  });

  it('scopes are those both the row and the claims carry', async () => {
    const h = await authHarness();
    try {
      const { token } = h.s.tokens.create('narrow', ['streams:read'], 'x', creator(h), null);
      const forged = signJwt({ iss: 'xlive', jti: token.id, scope: 'streams:read system:admin' }, h.s.boxKeys.jwt);
      assert.deepEqual(h.s.tokens.verify(forged).scopes, ['streams:read']);
    } finally {
      h.close();
    }
  });

  it('records the last use, writing at most once a minute', async () => {
    const h = await authHarness();
    try {
      const { token, jwt } = h.s.tokens.create('t', ['streams:read'], 'x', creator(h), null);
      const lastUsed = () => (h.raw.prepare('SELECT last_used_at FROM auth_local_tokens WHERE id = ?').get(token.id) as { last_used_at: number | null }).last_used_at;
      assert.equal(lastUsed(), null);
      const t0 = h.clock.now;
      h.s.tokens.verify(jwt);
      assert.equal(lastUsed(), t0);
      h.clock.advance(59_000);
      h.s.tokens.verify(jwt);
      assert.equal(lastUsed(), t0, 'throttled');
      h.clock.advance(1_000);
      h.s.tokens.verify(jwt);
      assert.equal(lastUsed(), t0 + 60_000);
    } finally {
      h.close();
    }
  });

  it('a token never outlives its creator\'s rights: demoted → fewer scopes; disabled or deleted → refused', async () => {
    const h = await authHarness();
    try {
      const b = h.s.users.create('b', 'admin', 'not-a-hash');
      const { jwt } = h.s.tokens.create('b-token', ['users:admin', 'streams:write', 'streams:read'], 'user:b', b.id, null);
      assert.deepEqual(h.s.tokens.verify(jwt).scopes, ['users:admin', 'streams:write', 'streams:read']);
      h.s.users.update(b.id, { role: 'viewer' });
      assert.deepEqual(h.s.tokens.verify(jwt).scopes, ['streams:read'], 'only what the viewer role still holds');
      h.s.users.update(b.id, { role: 'admin', disabled: true });
      assert.throws(() => h.s.tokens.verify(jwt), /created it is disabled/);
      h.s.users.delete(b.id);
      assert.throws(() => h.s.tokens.verify(jwt), /no longer exists/);
      // A row without a known creator (a token made before creators were recorded, by a token): refused.
      const { jwt: orphan, token } = h.s.tokens.create('orphan', ['streams:read'], 'token:old', creator(h), null);
      h.raw.prepare('UPDATE auth_local_tokens SET creator_user_id = NULL WHERE id = ?').run(token.id);
      assert.throws(() => h.s.tokens.verify(orphan), /no longer exists/);
    } finally {
      h.close();
    }
  });

  it('migration 2 binds existing tokens to their creator by name; tokens without a known creator are refused', async () => {
    const { createTestContext } = await import('xlive/sdk/testing');
    const { AUTH_LOCAL_MIGRATIONS } = await import('./migrations.js');
    const t = createTestContext({ id: 'auth-local', manifestFrom: import.meta.url });
    const raw = t.parts.db;
    try {
      t.ctx.store.migrate(AUTH_LOCAL_MIGRATIONS.slice(0, 1));
      raw.prepare("INSERT INTO auth_local_users (id, username, role, password_hash, created_at, updated_at) VALUES (7, 'Alice', 'admin', 'x', 0, 0)").run();
      const insert = raw.prepare("INSERT INTO auth_local_tokens (id, name, scopes, created_by, created_at) VALUES (?, ?, 'streams:read', ?, 0)");
      insert.run('tok_a', 'a', 'user:alice');
      insert.run('tok_b', 'b', 'token:ci');
      insert.run('tok_c', 'c', 'user:gone');
      raw.prepare("INSERT INTO auth_local_lockouts (key, failures, window_start, level, locked_until, last_failure) VALUES ('login-user:alice', 0, 0, 1, 9999999999999, 0)").run();
      t.ctx.store.migrate(AUTH_LOCAL_MIGRATIONS);
      const rows = raw.prepare('SELECT id, creator_user_id FROM auth_local_tokens ORDER BY id').all();
      assert.deepEqual(rows, [
        { id: 'tok_a', creator_user_id: 7 },
        { id: 'tok_b', creator_user_id: null },
        { id: 'tok_c', creator_user_id: null },
      ]);
      assert.deepEqual(raw.prepare("SELECT locked_until FROM auth_local_lockouts WHERE key = 'login-user:alice'").get(), { locked_until: 0 }, 'a username-wide lock is lifted');
    } finally {
      t.release();
      t.dispose();
    }
  });
});
