/**
 * auth-local end to end, through the real appliance (`xlive serve` as a child process): first-boot
 * setup (once, also under a race), session cookies and CSRF, API tokens that expire and revoke,
 * brute force → 429 that survives a restart, and stream keys with a real ffmpeg publish.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { call, cookiePair, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publish 2 s of test pattern with ffmpeg; resolves to its exit code and the end of its stderr. */
function publish(url: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine', '-t', '2'];
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-c:a', 'aac', '-f', 'flv', url);
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('auth-local end to end', () => {
  let app: ApplianceHandle;
  let admin: Creds;

  before(async () => {
    app = await startAppliance({ env: FAST });
  });
  after(async () => {
    await app?.stop();
  });

  it('first boot: setup is open, two racing setups give exactly one admin, then setup is closed', async () => {
    assert.deepEqual((await call(app.httpUrl, 'GET', '/api/v1/setup')).body, { open: true, setupCodeRequired: false });
    assert.deepEqual((await call(app.httpUrl, 'GET', '/api/v1/session')).body, { authenticated: false, setupOpen: true });
    const [a, b] = await Promise.all([
      call(app.httpUrl, 'POST', '/api/v1/setup', {}, { username: 'admin', password: PW }),
      call(app.httpUrl, 'POST', '/api/v1/setup', {}, { username: 'intruder', password: 'another long password' }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [201, 409]);
    const winner = a.status === 201 ? a : b;
    admin = { cookie: cookiePair(winner.headers.get('set-cookie')), csrf: String(winner.body['csrfToken']) };
    const again = await call(app.httpUrl, 'POST', '/api/v1/setup', {}, { username: 'late', password: PW });
    assert.equal(again.status, 409);
    assert.equal(again.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual((await call(app.httpUrl, 'GET', '/api/v1/setup')).body, { open: false, setupCodeRequired: false });
    const users = await call<{ items: unknown[] }>(app.httpUrl, 'GET', '/api/v1/users', admin);
    assert.equal(users.body.items.length, 1);
    if (winner !== a) admin = await signIn(app.httpUrl, 'intruder', 'another long password', true);
  });

  it('session cookie: HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP; GET /session returns the CSRF token', async () => {
    const login = await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: PW });
    const who = login.status === 200 ? 'admin' : 'intruder';
    const r = login.status === 200 ? login : await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'intruder', password: 'another long password' });
    const cookie = r.headers.get('set-cookie')!;
    assert.match(cookie, /^xlive_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const me = await call(app.httpUrl, 'GET', '/api/v1/session', { cookie: cookiePair(cookie) });
    assert.equal((me.body['user'] as { username: string }).username, who);
    assert.equal(me.body['csrfToken'], r.body['csrfToken']);
  });

  it('CSRF: a state-changing request with the cookie but without the right X-CSRF-Token is refused (403)', async () => {
    const noCsrf = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', { cookie: admin.cookie! }, { path: 'live/csrf' });
    assert.equal(noCsrf.status, 403);
    assert.match(String(noCsrf.body['detail']), /X-CSRF-Token/);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/stream-keys', { cookie: admin.cookie!, csrf: 'forged' }, { path: 'live/csrf' })).status, 403);
    assert.equal((await call(app.httpUrl, 'DELETE', '/api/v1/session', { cookie: admin.cookie! })).status, 403, 'no CSRF-less logout either');
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/stream-keys', { cookie: admin.cookie! })).status, 200, 'reads need no CSRF token');
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/csrf' })).status, 201);
    const audit = await call<{ items: Array<{ action: string }> }>(app.httpUrl, 'GET', '/api/v1/audit?action=csrf.refused', admin);
    assert.equal(audit.body.items.length, 3);
  });

  it('roles: an operator runs streams but cannot manage users or tokens; a viewer only reads', async () => {
    for (const [username, role] of [['op', 'operator'], ['tv', 'viewer']] as const) {
      assert.equal((await call(app.httpUrl, 'POST', '/api/v1/users', admin, { username, password: PW, role })).status, 201);
    }
    const op = await signIn(app.httpUrl, 'op', PW, true);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/stream-keys', op, { path: 'live/op' })).status, 201);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/users', op)).status, 403);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/tokens', op, { name: 'x', scopes: ['streams:read'] })).status, 403);
    const tv = await signIn(app.httpUrl, 'tv', PW, true);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/streams', tv)).status, 200);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/stream-keys', tv, { path: 'live/tv' })).status, 403);
    // Logout everywhere ends both of the viewer's sessions.
    const tv2 = await signIn(app.httpUrl, 'tv', PW, true);
    const all = await call(app.httpUrl, 'DELETE', '/api/v1/sessions', tv);
    assert.deepEqual([all.status, all.body['revoked']], [200, 2]);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/streams', tv2)).status, 401);
  });

  it('API tokens: shown once, scoped, expire, and stop working when revoked; last use recorded', async () => {
    const short = await makeToken(app.httpUrl, admin, ['streams:read'], { expiresInDays: 1.5 / 86_400 });
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/streams', { token: short.token })).status, 200);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/users', { token: short.token })).status, 403);
    const long = await makeToken(app.httpUrl, admin, ['streams:read', 'system:read']);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/plugins', { token: long.token })).status, 200);
    const listed = await call<{ items: Array<Record<string, unknown>> }>(app.httpUrl, 'GET', '/api/v1/tokens', admin);
    assert.ok(!JSON.stringify(listed.body).includes(long.token.split('.')[2]!), 'the list never shows a token');
    assert.ok(listed.body.items.find((t) => t['id'] === long.id)?.['lastUsedAt']);
    assert.equal((await call(app.httpUrl, 'DELETE', `/api/v1/tokens/${long.id}`, admin)).status, 204);
    const revoked = await call(app.httpUrl, 'GET', '/api/v1/plugins', { token: long.token });
    assert.equal(revoked.status, 401);
    assert.match(String(revoked.body['detail']), /revoked/);
    await sleep(1600);
    const expired = await call(app.httpUrl, 'GET', '/api/v1/streams', { token: short.token });
    assert.equal(expired.status, 401);
    assert.match(String(expired.body['detail']), /expired/);
    const actions = (await call<{ items: Array<{ action: string }> }>(app.httpUrl, 'GET', '/api/v1/audit?limit=500', admin)).body.items.map((e) => e.action);
    for (const a of ['setup.done', 'login.ok', 'token.created', 'token.revoked', 'token.refused', 'user.created', 'key.created', 'logout.everywhere']) assert.ok(actions.includes(a), a);
  });

  it('plugin changes are audited with their actor', async () => {
    const token = await makeToken(app.httpUrl, admin, ['plugins:admin', 'system:read']);
    const changed = await call(app.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', { token: token.token }, { enabled: false });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body['restartRequired'], true);
    const audit = await call<{ items: Array<{ action: string; actor: string; detail: Record<string, unknown> }> }>(app.httpUrl, 'GET', '/api/v1/audit?action=plugin.changed', admin);
    const entry = audit.body.items.find((e) => e.detail['plugin'] === 'webhooks');
    assert.ok(entry, JSON.stringify(audit.body));
    assert.match(entry.actor, /^token:/);
    assert.equal(entry.detail['enabled'], false);
    await call(app.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', { token: token.token }, { enabled: true });
  });

  it('stream keys: ffmpeg publishes with the key; after rotation the old key is refused and the new one works', async () => {
    const created = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/stage' });
    assert.equal(created.status, 201);
    const oldKey = String(created.body['key']);
    assert.equal((created.body['publish'] as { streamKey: string }).streamKey, oldKey);
    const first = await publish(`${app.rtmpUrl}/live/${oldKey}`);
    assert.equal(first.code, 0, first.stderr);
    const rotated = await call(app.httpUrl, 'POST', '/api/v1/stream-keys/live/stage/rotation', admin);
    const newKey = String(rotated.body['key']);
    assert.notEqual(newKey, oldKey);
    const refused = await publish(`${app.rtmpUrl}/live/${oldKey}`);
    assert.notEqual(refused.code, 0, 'the old key is refused');
    const withQuery = await publish(`${app.rtmpUrl}/live/stage?key=${newKey}`);
    assert.equal(withQuery.code, 0, withQuery.stderr);
    const events = await call<{ items: Array<{ type: string; stream: string | null; message: string }> }>(app.httpUrl, 'GET', '/api/v1/events?type=stream.publish.refused', admin);
    assert.ok(events.body.items.length >= 1);
    assert.ok(!JSON.stringify(events.body).includes(oldKey), 'events never show a key');
    const started = await call<{ items: Array<{ stream: string }> }>(app.httpUrl, 'GET', '/api/v1/events?type=stream.started', admin);
    assert.equal(started.body.items.filter((e) => e.stream === 'live/stage').length, 2);
    const audit = await call<{ items: Array<{ action: string }> }>(app.httpUrl, 'GET', '/api/v1/audit?action=key.rotated', admin);
    assert.equal(audit.body.items.length, 1);
  });
});

describe('auth-local end to end: behind a TLS proxy, and under brute force', () => {
  let dir: string;
  let app: ApplianceHandle | undefined;
  const env = { ...FAST, XLIVE_AUTH_LOCAL_TRUST_PROXY: 'true' };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-auth-brute-'));
    app = await startAppliance({ env, dataDir: dir });
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks the cookie Secure when the proxy says the browser used HTTPS', async () => {
    const setup = await call(app!.httpUrl, 'POST', '/api/v1/setup', { headers: { 'x-forwarded-proto': 'https' } }, { username: 'admin', password: PW });
    assert.match(setup.headers.get('set-cookie')!, /; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const plain = await call(app!.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: PW });
    assert.doesNotMatch(plain.headers.get('set-cookie')!, /Secure/);
  });

  it('brute force gets 429 with Retry-After and never a session, and the lockout survives a restart', async () => {
    // One guessing address (the proxy's X-Forwarded-For): its (name, address) lock holds; the owner
    // elsewhere is not locked out (see accounts-attacks.test.ts for real distinct source addresses).
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call(app!.httpUrl, 'POST', '/api/v1/session', from('203.0.113.7'), { username: 'admin', password: `guess number ${i}` })),
    );
    const statuses = guesses.map((g) => g.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join());
    assert.equal(statuses.filter((s) => s === 429).length, 7, statuses.join());
    assert.ok(guesses.every((g) => g.headers.get('set-cookie') === null), 'no session handed out');
    const locked = guesses.find((g) => g.status === 429)!;
    assert.ok(Number(locked.headers.get('retry-after')) >= 1);
    assert.equal(locked.headers.get('content-type'), 'application/problem+json');
    const right = await call(app!.httpUrl, 'POST', '/api/v1/session', from('203.0.113.7'), { username: 'admin', password: PW });
    assert.equal(right.status, 429, 'even the right password waits out the lockout from the guessing address');
    assert.equal(right.headers.get('set-cookie'), null);

    await app!.stop();
    app = await startAppliance({ env, dataDir: dir });
    const afterRestart = await call(app.httpUrl, 'POST', '/api/v1/session', from('203.0.113.7'), { username: 'admin', password: PW });
    assert.equal(afterRestart.status, 429, 'still locked after a restart');
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/session', from('198.51.100.20'), { username: 'admin', password: PW })).status, 200, 'the owner, elsewhere, gets in');
  });
});
