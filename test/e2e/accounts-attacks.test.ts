/**
 * Issue 9 §5, attacked against the real appliance (`xlive serve` as a child process): a token with
 * only `users:admin` tries to make itself an admin; a token outlives its creator's demotion and
 * deletion; a password guesser from one address tries to lock the admin out everywhere; a DNS-
 * rebinding page tries to create the admin on first boot; a login flood tries to burn the CPU; and
 * first boot with a setup code. Each attack fails and the box keeps serving.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { rawRequest } from '../helpers/media-peers.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };

describe('accounts: nobody takes over or locks out an account (real box)', () => {
  let app: ApplianceHandle;
  let admin: Creds;
  const url = (path: string) => app.httpUrl + path;

  before(async () => {
    app = await startAppliance({ env: FAST });
  });
  after(async () => {
    await app?.stop();
  });

  it('DNS rebinding on first boot: setup with a foreign Host or Origin is refused (403 HOST_NOT_ALLOWED); no admin is created', async () => {
    const body = { username: 'attacker', password: 'attacker password 1' };
    const foreignHost = await rawRequest(url('/api/v1/setup'), { method: 'POST', headers: { host: 'evil.example:8080', origin: 'http://evil.example:8080' }, body });
    assert.equal(foreignHost.status, 403);
    assert.equal(foreignHost.headers['content-type'], 'application/problem+json');
    assert.equal(foreignHost.json()['code'], 'HOST_NOT_ALLOWED');
    const foreignOrigin = await rawRequest(url('/api/v1/setup'), { method: 'POST', headers: { origin: 'http://evil.example' }, body });
    assert.equal(foreignOrigin.status, 403);
    assert.equal(foreignOrigin.json()['code'], 'HOST_NOT_ALLOWED');
    const nullOrigin = await rawRequest(url('/api/v1/setup'), { method: 'POST', headers: { origin: 'null' }, body });
    assert.equal(nullOrigin.status, 403);
    assert.deepEqual((await call(app.httpUrl, 'GET', '/api/v1/setup')).body, { open: true, setupCodeRequired: false }, 'still no admin');
    // The real technician, on the box's own address (Origin of the panel itself), creates the admin.
    const own = await rawRequest(url('/api/v1/setup'), { method: 'POST', headers: { origin: app.httpUrl }, body: { username: 'admin', password: PW } });
    assert.equal(own.status, 201, own.body);
    admin = await signIn(app.httpUrl, 'admin', PW, true);
  });

  it('a session cookie is only taken when Host and Origin name the box; login with a foreign Host is refused', async () => {
    const cookieHeaders = { cookie: admin.cookie!, 'x-csrf-token': admin.csrf! };
    assert.equal((await rawRequest(url('/api/v1/users'), { headers: cookieHeaders })).status, 200);
    for (const h of [{ host: 'evil.example' }, { origin: 'http://evil.example' }] as Array<Record<string, string>>) {
      const r = await rawRequest(url('/api/v1/users'), { headers: { ...cookieHeaders, ...h } });
      assert.equal(r.status, 403, JSON.stringify(h));
      assert.equal(r.json()['code'], 'HOST_NOT_ALLOWED');
    }
    const login = await rawRequest(url('/api/v1/session'), { method: 'POST', headers: { host: 'evil.example' }, body: { username: 'admin', password: PW } });
    assert.equal(login.status, 403);
    assert.equal(login.headers['set-cookie'], undefined, 'no session for a rebinding page');
    // localhost and [::1] are the box's own names.
    assert.equal((await rawRequest(url('/api/v1/users'), { headers: { ...cookieHeaders, host: `localhost:${app.ports['http']!.port}` } })).status, 200);
  });

  it('a token with only users:admin cannot create or take over an admin, nor an operator with scopes it lacks', async () => {
    const { token } = await makeToken(app.httpUrl, admin, ['users:admin']);
    const attacker = { token };
    for (const role of ['admin', 'operator']) {
      const r = await call(app.httpUrl, 'POST', '/api/v1/users', attacker, { username: `evil-${role}`, password: 'attacker password 1', role });
      assert.equal(r.status, 403, `${role}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body['code'], 'SCOPE_NOT_HELD');
    }
    const users = await call<{ items: Array<{ id: number; username: string; role: string }> }>(app.httpUrl, 'GET', '/api/v1/users', admin);
    const adminId = users.body.items.find((u) => u.username === 'admin')!.id;
    const takeover = await call(app.httpUrl, 'PATCH', `/api/v1/users/${adminId}`, attacker, { password: 'attacker password 1' });
    assert.equal(takeover.status, 403);
    assert.equal(takeover.body['code'], 'SCOPE_NOT_HELD');
    assert.equal((await call(app.httpUrl, 'DELETE', `/api/v1/users/${adminId}`, attacker)).status, 403);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/tokens', attacker, { name: 'mint', scopes: ['system:admin'] })).status, 403, 'cannot mint');
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/users', attacker, { username: 'a-viewer', password: 'viewer password 1', role: 'viewer' })).status, 403, 'not even a viewer: it lacks streams:read');
    // An operator-level token with users:admin may create what it holds (a viewer), never an admin.
    const { token: opPlus } = await makeToken(app.httpUrl, admin, ['users:admin', 'streams:read', 'streams:write', 'recordings:read', 'recordings:write', 'system:read', 'metrics:read']);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/users', { token: opPlus }, { username: 'a-viewer', password: 'viewer password 1', role: 'viewer' })).status, 201);
    const r = await call(app.httpUrl, 'POST', '/api/v1/users', { token: opPlus }, { username: 'evil-admin2', password: 'attacker password 1', role: 'admin' });
    assert.equal(r.body['code'], 'SCOPE_NOT_HELD');
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: 'attacker password 1' })).status, 401, 'the admin password is unchanged');
  });

  it("a token never outlives its creator's rights: demoted → loses the scopes; deleted → refused (401, audited)", async () => {
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/users', admin, { username: 'bee', password: 'bee password 12', role: 'admin' })).status, 201);
    const bee = await signIn(app.httpUrl, 'bee', 'bee password 12', true);
    const { token, id } = await makeToken(app.httpUrl, bee, ['system:admin', 'users:admin', 'streams:read']);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/tokens', { token })).status, 200);
    const beeId = (await call<{ items: Array<{ id: number; username: string }> }>(app.httpUrl, 'GET', '/api/v1/users', admin)).body.items.find((u) => u.username === 'bee')!.id;
    assert.equal((await call(app.httpUrl, 'PATCH', `/api/v1/users/${beeId}`, admin, { role: 'viewer' })).status, 200);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/tokens', { token })).status, 403, 'system:admin is gone with the role');
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/users', { token })).status, 403);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/streams', { token })).status, 200, 'what a viewer holds stays');
    const who = await call(app.httpUrl, 'GET', '/api/v1/session', { token });
    assert.deepEqual((who.body['token'] as { scopes: string[] }).scopes, ['streams:read']);
    assert.equal((await call(app.httpUrl, 'DELETE', `/api/v1/users/${beeId}`, admin)).status, 204);
    const refused = await call(app.httpUrl, 'GET', '/api/v1/streams', { token });
    assert.equal(refused.status, 401);
    const audit = await call<{ items: Array<{ action: string; detail: Record<string, unknown> }> }>(app.httpUrl, 'GET', '/api/v1/audit?action=token.refused', admin);
    assert.ok(audit.body.items.some((e) => e.detail['tokenId'] === id), 'the refusal is audited');
    const listed = await call<{ items: Array<{ id: string; revokedAt: string | null }> }>(app.httpUrl, 'GET', '/api/v1/tokens', admin);
    assert.ok(listed.body.items.find((t) => t.id === id)?.revokedAt, "the deleted user's tokens are revoked");
  });

  it('a guesser from 127.0.0.2 locks only itself out: the owner signs in from 127.0.0.3, the guesser stays locked (429)', async () => {
    const login = (password: string, localAddress: string) =>
      rawRequest(url('/api/v1/session'), { method: 'POST', localAddress, body: { username: 'admin', password } });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(`wrong guess ${i}!`, '127.0.0.2')).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const owner = await login(PW, '127.0.0.3');
    assert.equal(owner.status, 200, owner.body);
    assert.ok(owner.headers['set-cookie'], 'the owner gets a session');
    const guesser = await login(PW, '127.0.0.2');
    assert.equal(guesser.status, 429, 'even the right password from the locked address gets no session');
    assert.ok(Number(guesser.headers['retry-after']) > 0);
    assert.equal(guesser.headers['set-cookie'], undefined);
  });

  it('a login flood from 120 addresses is bounded: never more than 2 scrypt at once, the rest 429 with Retry-After; /healthz keeps answering', async () => {
    const { token } = await makeToken(app.httpUrl, admin, ['metrics:read']);
    const running: number[] = [];
    const health: number[] = [];
    let done = false;
    const sampler = (async () => {
      for (let i = 0; i < 100 && !done; i++) {
        health.push((await rawRequest(url('/healthz'))).status);
        await new Promise((r) => setTimeout(r, 50));
        const m = await rawRequest(url('/metrics'), { headers: { authorization: `Bearer ${token}` } });
        const line = /^xlive_auth_password_hashing\{state="running"\} (\d+)/m.exec(m.body);
        if (line) running.push(Number(line[1]));
      }
    })();
    const flood = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        rawRequest(url('/api/v1/session'), { method: 'POST', localAddress: `127.0.1.${i + 1}`, body: { username: `nobody${i}`, password: 'not the password' } }),
      ),
    );
    done = true;
    await sampler;
    const byStatus = new Map<number, number>();
    for (const r of flood) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    assert.deepEqual([...byStatus.keys()].sort(), [401, 429], JSON.stringify([...byStatus]));
    assert.ok(flood.filter((r) => r.status === 429).every((r) => r.json()['code'] === 'RATE_LIMITED' && Number(r.headers['retry-after']) >= 1));
    assert.ok(running.length > 0, 'the gauge was sampled');
    assert.ok(Math.max(...running) <= 2, `at most 2 at once, saw ${Math.max(...running)}`);
    assert.ok(health.length > 0 && health.every((s) => s === 200), `the box answered /healthz throughout: ${health.join()}`);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: PW })).status, 200, 'and signs in right after');
  });
});

describe('first boot with a setup code (real box)', () => {
  let app: ApplianceHandle;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-setup-code-'));
    mkdirSync(join(dir, 'plugin-data', 'auth-local'), { recursive: true });
    writeFileSync(join(dir, 'plugin-data', 'auth-local', 'setup-code'), 'K7QM-3XPA-W9RT\n', { mode: 0o600 });
    app = await startAppliance({ env: FAST, dataDir: dir });
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('setup says the code is required; missing or wrong code is refused; the right code works; the console shows it', async () => {
    assert.deepEqual((await call(app.httpUrl, 'GET', '/api/v1/setup')).body, { open: true, setupCodeRequired: true });
    const missing = await call(app.httpUrl, 'POST', '/api/v1/setup', {}, { username: 'admin', password: PW });
    assert.equal(missing.status, 403);
    assert.equal(missing.body['setupCodeRequired'], true);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/setup', {}, { username: 'admin', password: PW, setupCode: 'K7QM-3XPA-W9RX' })).status, 403);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/setup')).body['open'], true, 'no admin yet');
    const ok = await call(app.httpUrl, 'POST', '/api/v1/setup', {}, { username: 'admin', password: PW, setupCode: 'k7qm3xpaw9rt' });
    assert.equal(ok.status, 201);
    assert.match(app.output(), /setup code K7QM-3XPA-W9RT/);
  });
});
