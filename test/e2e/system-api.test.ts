/**
 * The system API through real boxes (`xlive serve` child processes): one list envelope with cursors
 * on every list; the events cursor that no longer skips; 405 with Allow; recent logs with every
 * secret redacted (attacked: a stream key, a token, a password, an Authorization header and a signed
 * link all sent to the box, then the logs read); restart in place; backup on box A and restore on a
 * fresh box B — the same token and stream key work there — after a series of hostile archives were
 * refused without changing anything; and the same through `xlive backup` / `xlive restore`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { runToEnd, startPublisher } from '../helpers/media-peers.js';
import { waitUntil } from '../helpers/wait.js';
import { call, makeToken, signIn, type Answer, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { packBackup, sha256, type BackupManifest, type BackupPart } from '../../core/backup/backup-archive.js';
import { readTar, writeTar } from '../../core/backup/tar.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };
type Page<T = Record<string, unknown>> = { items: T[]; next: string | null };

async function publishFor(rtmpUrl: string, path: string, seconds = 2): Promise<number | null> {
  return (await runToEnd(startPublisher(`${rtmpUrl}/${path}`, seconds))).code;
}

/** Every page of a list, following `next` (bounded). */
async function allPages<T>(base: string, path: string, creds: Creds, limit: number): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r: Answer<Page<T>> = await call<Page<T>>(base, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, creds);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.items.length <= limit);
    out.push(...r.body.items);
    cursor = r.body.next;
    if (!cursor) return out;
  }
  throw new Error(`${path}: more than 100 pages`);
}

async function sendArchive(base: string, body: Uint8Array, token: string): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  const res = await fetch(`${base}/api/v1/system/restore`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' }, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function download(base: string, token: string): Promise<Buffer> {
  const res = await fetch(`${base}/api/v1/system/backup`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/gzip');
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="xlive-backup-.*\.tar\.gz"/);
  return Buffer.from(await res.arrayBuffer());
}

/** The parts and manifest of an archive, read with the test's own eyes (gunzip + tar). */
function openArchive(archive: Buffer): { manifest: BackupManifest; parts: BackupPart[] } {
  const entries = readTar(gunzipSync(archive), { maxEntries: 10_000 });
  assert.equal(entries[0]!.path, 'manifest.json');
  const manifest = JSON.parse(entries[0]!.data.toString()) as BackupManifest;
  const parts = manifest.entries.map((m) => ({ path: m.path, kind: m.kind, data: Buffer.from(entries.find((e) => e.path === m.path)!.data) }));
  return { manifest, parts };
}

/** A tar with the manifest first, then `files`; the manifest lists `listed` (path, kind, data). */
function craft(manifest: Partial<BackupManifest>, listed: Array<{ path: string; kind: string; data: Buffer }>, extra: Array<{ path: string; data: Buffer }> = []): Buffer {
  const m = {
    format: 'xlive-backup',
    formatVersion: 1,
    xliveVersion: '0.1.0',
    createdAt: new Date().toISOString(),
    schema: { core: 1, plugins: {} },
    skipped: [],
    ...manifest,
    entries: listed.map((e) => ({ path: e.path, kind: e.kind, size: e.data.length, sha256: sha256(e.data) })),
  };
  return writeTar([{ path: 'manifest.json', data: Buffer.from(JSON.stringify(m)) }, ...listed, ...extra]);
}

/** Turn entry `index` (0 = manifest) of a tar into a symbolic link to `target` (typeflag '2'), checksum fixed. */
function makeSymlink(tar: Buffer, index: number, target: string): Buffer {
  const out = Buffer.from(tar);
  let at = 0;
  for (let i = 0; i < index; i++) at += 512 + Math.ceil(parseInt(out.toString('ascii', at + 124, at + 135), 8) / 512) * 512;
  out.write('2', at + 156, 'ascii');
  out.write(target, at + 157, 100, 'utf8');
  out.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[at + i]!;
  out.write(sum.toString(8).padStart(6, '0') + '\0 ', at + 148, 8, 'ascii');
  return out;
}

describe('system API: lists, events cursor, 405, logs, restart, backup and restore', () => {
  let a: ApplianceHandle;
  let b: ApplianceHandle | undefined;
  let admin: Creds;
  let adminToken: string;
  let readToken: string;
  let streamKey: string;
  let archive: Buffer;
  const dirs: string[] = [];

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-system-a-'));
    dirs.push(dir);
    mkdirConfig(dir);
    writeFileSync(join(dir, 'config', 'local.json'), LOCAL_CONFIG);
    a = await startAppliance({ dataDir: dir, cwd: dir, env: { ...FAST, XLIVE_LOG_LEVEL: 'debug' } });
    admin = await signIn(a.httpUrl, 'admin', PW);
    adminToken = (await makeToken(a.httpUrl, admin, ['system:admin', 'system:read', 'streams:read', 'streams:write', 'users:admin', 'plugins:admin'])).token;
    readToken = (await makeToken(a.httpUrl, admin, ['streams:read'])).token;
    const created = await call(a.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/stage' });
    assert.equal(created.status, 201);
    streamKey = String(created.body['key']);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('every list answers { items, next }, pages with limit/cursor, and refuses a bad limit or cursor', async () => {
    const t = { token: adminToken };
    for (const path of ['/api/v1/streams', '/api/v1/plugins', '/api/v1/tokens', '/api/v1/users', '/api/v1/stream-keys', '/api/v1/audit', '/api/v1/events', '/api/v1/logs']) {
      const r = await call<Page>(a.httpUrl, 'GET', path, t);
      assert.equal(r.status, 200, path);
      assert.ok(Array.isArray(r.body.items), path);
      assert.ok(r.body.next === null || typeof r.body.next === 'string', `${path} has next`);
      for (const q of ['limit=0', 'limit=501', 'limit=x', 'cursor=%21%21', 'cursor=bm90LWpzb24']) {
        const bad = await call(a.httpUrl, 'GET', `${path}?${q}`, t);
        assert.equal(bad.status, 400, `${path}?${q}`);
        assert.equal(bad.headers.get('content-type'), 'application/problem+json');
      }
    }
    const plugins = (await call<Page<{ id: string }>>(a.httpUrl, 'GET', '/api/v1/plugins?limit=500', t)).body.items.map((p) => p.id);
    assert.ok(plugins.length >= 5);
    assert.deepEqual((await allPages<{ id: string }>(a.httpUrl, '/api/v1/plugins', t, 2)).map((p) => p.id), plugins, 'pages of 2 add up to the list, no gaps, no repeats');
    assert.deepEqual((await allPages<{ id: string }>(a.httpUrl, '/api/v1/tokens', t, 1)).length, 2);
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/tokens')).status, 401);
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/plugins', { token: readToken })).status, 403);
  });

  it('the events cursor (after) returns every event after it, oldest first, across pages', async () => {
    const t = { token: adminToken };
    const newest = (await call<Page<{ id: number }>>(a.httpUrl, 'GET', '/api/v1/events?limit=1', t)).body.items[0]?.id ?? 0;
    // Six plugin.changed events after the cursor.
    for (let i = 0; i < 3; i++) {
      for (const enabled of [false, true]) assert.equal((await call(a.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', t, { enabled })).status, 200);
    }
    const first = await call<Page<{ id: number; type: string }>>(a.httpUrl, 'GET', `/api/v1/events?after=${newest}&limit=2`, t);
    assert.deepEqual(first.body.items.map((e) => e.id), [newest + 1, newest + 2], 'the two events right after the cursor, not the newest two');
    const followed = await allPages<{ id: number; type: string }>(a.httpUrl, `/api/v1/events?after=${newest}`, t, 2);
    const ids = followed.map((e) => e.id);
    assert.ok(ids.length >= 6);
    assert.deepEqual(ids, ids.map((_, i) => newest + 1 + i), 'consecutive ids: nothing skipped');
    // Newest first, paged back: the same events, no repeats.
    const back = await allPages<{ id: number }>(a.httpUrl, '/api/v1/events?type=plugin.changed', t, 2);
    assert.equal(new Set(back.map((e) => e.id)).size, back.length);
    assert.ok(back.every((e, i) => i === 0 || e.id < back[i - 1]!.id));
    assert.equal(back.length, 6);
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/events?after=-1', t)).status, 400);
  });

  it('an unknown method on a known path answers 405 with Allow (problem+json); an unknown path 404', async () => {
    const cases: Array<[string, string, string]> = [
      ['POST', '/api/v1/streams', 'GET, HEAD'],
      ['DELETE', '/api/v1/version', 'GET, HEAD'],
      ['PUT', '/api/v1/streams/live/x', 'DELETE, GET, HEAD'],
      ['GET', '/api/v1/system/restart', 'POST'],
      ['PUT', '/api/v1/stream-keys/live/stage', 'DELETE, PATCH'],
    ];
    for (const [method, path, allow] of cases) {
      const r = await call(a.httpUrl, method, path, { token: adminToken });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.equal(r.body['code'], 'METHOD_NOT_ALLOWED');
    }
    const missing = await call(a.httpUrl, 'GET', '/api/v1/no-such-thing', { token: adminToken });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('allow'), null);
  });

  it('logs: secrets sent to the box (stream key, token, password, Authorization, signed link) never appear in GET /api/v1/logs', async () => {
    // The attacker's material: everything a log line could pick up on the way.
    assert.equal(await publishFor(a.rtmpUrl, `live/${streamKey}`), 0, 'publish with the key works');
    assert.equal(await publishFor(a.rtmpUrl, `live/stage?key=${streamKey}`), 0);
    await signIn(a.httpUrl, 'admin', PW, true);
    await call(a.httpUrl, 'POST', '/api/v1/session', {}, { username: PW, password: PW }); // the password as a user name
    await call(a.httpUrl, 'GET', `/api/v1/streams?token=${adminToken}`, { headers: { authorization: `Bearer ${adminToken}x` } });
    await call(a.httpUrl, 'GET', `/api/v1/no-route/${streamKey}?password=${encodeURIComponent(PW)}`, { token: adminToken });
    const link = await call(a.httpUrl, 'POST', '/api/v1/playback-tokens', admin, { path: 'live/stage' });
    const playback = String(link.body['token']);
    assert.ok(playback.length > 20);
    await fetch(`${a.httpUrl}/hls/live/stage/index.m3u8?token=${playback}`);
    await fetch(`${a.httpUrl}/flv/live/${streamKey}.flv?token=${playback}`);

    const lines = await allPages<{ msg: string; level: string; source: string; scope: string }>(a.httpUrl, '/api/v1/logs', { token: adminToken }, 500);
    assert.ok(lines.length > 20, `${lines.length} lines`);
    assert.ok(lines.some((l) => /listening on http/.test(l.msg)), 'the ring holds the start-up lines');
    assert.ok(lines.some((l) => l.level === 'debug' && /GET \/api\/v1\/streams/.test(l.msg)), 'and the debug access log');
    // The debug access log took the key from the path (it is on stdout as sent): the ring holds the line, redacted.
    assert.ok(lines.some((l) => /GET \/api\/v1\/no-route\/key#[0-9a-f]{8} 404/.test(l.msg)), 'the access log line is kept, the key in it redacted');
    const text = JSON.stringify(lines);
    for (const [what, secret] of [['stream key', streamKey], ['token', adminToken], ['token signature', adminToken.split('.')[2]!], ['password', PW], ['password (url-encoded)', encodeURIComponent(PW)], ['playback token', playback]] as const) {
      assert.ok(!text.includes(secret), `the ${what} is not in the logs`);
    }
    // Filters.
    const warn = await call<Page<{ level: string }>>(a.httpUrl, 'GET', '/api/v1/logs?level=warn&limit=500', { token: adminToken });
    assert.ok(warn.body.items.every((l) => l.level === 'warn' || l.level === 'error'));
    const auth = await call<Page<{ source: string }>>(a.httpUrl, 'GET', '/api/v1/logs?plugin=auth-local&limit=500', { token: adminToken });
    assert.ok(auth.body.items.length > 0 && auth.body.items.every((l) => l.source === 'auth-local'));
    const future = await call<Page>(a.httpUrl, 'GET', `/api/v1/logs?since=${new Date(Date.now() + 60_000).toISOString()}`, { token: adminToken });
    assert.deepEqual(future.body, { items: [], next: null });
    // Validation, 401, 403.
    for (const q of ['level=loud', 'since=yesterday', 'plugin=../x']) {
      const r = await call(a.httpUrl, 'GET', `/api/v1/logs?${q}`, { token: adminToken });
      assert.equal(r.status, 400, q);
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
    }
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/logs')).status, 401);
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/logs', { token: readToken })).status, 403);
  });

  it('restart: 202, the same process comes back on the same address with its state, and an event says who', async () => {
    assert.equal((await call(a.httpUrl, 'POST', '/api/v1/system/restart')).status, 401);
    assert.equal((await call(a.httpUrl, 'POST', '/api/v1/system/restart', { token: readToken })).status, 403);
    const bad = await call(a.httpUrl, 'POST', '/api/v1/system/restart', { token: adminToken }, { reason: 42 });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('content-type'), 'application/problem+json');

    const pid = a.child.pid;
    const r = await call(a.httpUrl, 'POST', '/api/v1/system/restart', { token: adminToken }, { reason: 'test restart' });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body['restarting'], true);
    await waitUntil('the box restarted', () => /restarting \(test restart/.test(a.output()) && /ready: .*plugins running[\s\S]*ready: /.test(a.output()), 30_000);
    await waitUntil('the box answers', async () => (await fetch(`${a.httpUrl}/api/v1/version`).catch(() => undefined))?.status === 200, 30_000);
    assert.equal(a.child.pid, pid, 'same process');
    assert.equal(a.child.exitCode, null);
    // State intact: the token still works, the stream key still publishes.
    const keys = await call<Page<{ path: string }>>(a.httpUrl, 'GET', '/api/v1/stream-keys', { token: adminToken });
    assert.equal(keys.status, 200);
    assert.deepEqual(keys.body.items.map((k) => k.path), ['live/stage']);
    const ev = await call<Page<{ message: string; data: Record<string, unknown> }>>(a.httpUrl, 'GET', '/api/v1/events?type=system.restart', { token: adminToken });
    assert.equal(ev.body.items.length, 1);
    assert.match(String(ev.body.items[0]!.data['actor']), /^token:/);
    assert.equal(ev.body.items[0]!.data['reason'], 'test restart');
    a.ports = a.readPorts();
    a.rtmpUrl = `rtmp://127.0.0.1:${a.ports['rtmp']!.port}`;
    assert.equal(await publishFor(a.rtmpUrl, `live/${streamKey}`, 1), 0);
  });

  it('backup: one archive with the databases, the box secret, the config files and the plugins, each with its SHA-256', async () => {
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/system/backup')).status, 401);
    assert.equal((await call(a.httpUrl, 'GET', '/api/v1/system/backup', { token: readToken })).status, 403);
    archive = await download(a.httpUrl, adminToken);
    const { manifest, parts } = openArchive(archive);
    assert.equal(manifest.format, 'xlive-backup');
    assert.equal(manifest.formatVersion, 1);
    assert.ok(!Number.isNaN(Date.parse(manifest.createdAt)));
    assert.ok(manifest.schema.core >= 1);
    const paths = parts.map((p) => p.path);
    for (const p of ['db/xlive.db', 'db/plugins/auth-local.db', 'plugin-data/auth-local/jwt-secret', 'config/local.json']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    for (const p of parts) assert.equal(sha256(p.data), manifest.entries.find((e) => e.path === p.path)!.sha256);
    assert.ok(!paths.some((p) => p.includes('recordings/')), 'no recordings');
  });

  it('restore refuses hostile archives before replacing anything: tampered, ../, symlink, newer schema, truncated, oversized', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-restore-b-'));
    dirs.push(dir);
    mkdirConfig(dir);
    b = await startAppliance({ dataDir: dir, cwd: dir, env: { ...FAST, XLIVE_BACKUP_MAX_BYTES: String(2 * 1024 * 1024) } });
    const bAdmin = await signIn(b.httpUrl, 'owner-b', 'another long password');
    const bToken = (await makeToken(b.httpUrl, bAdmin, ['system:admin', 'streams:read'])).token;
    const bRead = (await makeToken(b.httpUrl, bAdmin, ['streams:read'])).token;
    const { manifest, parts } = openArchive(archive);

    assert.equal((await fetch(`${b.httpUrl}/api/v1/system/restore`, { method: 'POST', body: archive })).status, 401);
    assert.equal((await sendArchive(b.httpUrl, archive, bRead)).status, 403);
    const empty = await sendArchive(b.httpUrl, new Uint8Array(0), bToken);
    assert.equal(empty.status, 400);

    const tampered = parts.map((p) => (p.path === 'plugin-data/auth-local/jwt-secret' ? { ...p, data: Buffer.from('QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n') } : p));
    const tamperedTar = writeTar([{ path: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }, ...tampered]);
    const core = parts.find((p) => p.kind === 'core-db')!;
    const attacks: Array<[string, Buffer, number, RegExp]> = [
      ['a tampered entry', gzipSync(tamperedTar), 400, /checksum/],
      ['a ../ path', gzipSync(craft({}, [core, { path: 'plugin-data/auth-local/../../../../tmp/evil', kind: 'plugin-file', data: Buffer.from('x') }])), 400, /not a path/],
      ['an absolute path', gzipSync(craft({}, [core, { path: '/etc/xlive/local.json', kind: 'config', data: Buffer.from('{}') }])), 400, /not a path/],
      ['an entry outside the manifest', gzipSync(craft({}, [core], [{ path: 'config/local.json', data: Buffer.from('{}') }])), 400, /not in the manifest/],
      ['a symlink', gzipSync(makeSymlink(craft({}, [core, { path: 'plugins/evil/index.js', kind: 'external-plugin', data: Buffer.alloc(0) }]), 2, '/etc/passwd')), 400, /symbolic link/],
      ['a newer schema', packBackup(parts, { xliveVersion: '99.0.0', createdAt: manifest.createdAt, schema: { core: 999, plugins: {} } }).archive, 409, /newer/],
      ['a truncated upload', archive.subarray(0, Math.floor(archive.length / 2)), 400, /truncated|complete/],
      ['not gzip at all', Buffer.from('PK\u0003\u0004 this is a zip'), 400, /gzip/],
    ];
    for (const [what, body, status, message] of attacks) {
      const r = await sendArchive(b.httpUrl, body, bToken);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.type, 'application/problem+json', what);
      assert.match(String(r.body['detail']), message, what);
    }
    // Oversized: 413 and the connection closed while the client may still be sending. Under load the
    // client can see the close before the answer (fetch fails with a reset): a refusal either way.
    const oversized = await sendArchive(b.httpUrl, Buffer.alloc(3 * 1024 * 1024, 1), bToken).catch((err: Error) => ({ status: 0, reset: String(err.cause ?? err.message) }));
    assert.ok(oversized.status === 413 || oversized.status === 0, JSON.stringify(oversized));
    // Nothing changed and nothing restarted: B's own token works, A's does not.
    assert.equal((await call(b.httpUrl, 'GET', '/api/v1/stream-keys', { token: bToken })).status, 200);
    assert.equal((await call(b.httpUrl, 'GET', '/api/v1/stream-keys', { token: adminToken })).status, 401);
    assert.doesNotMatch(b.output(), /restarting/);
  });

  it('restore on a fresh box B: A\'s token works there and A\'s stream key publishes there', async () => {
    const bAdmin = await signIn(b!.httpUrl, 'owner-b', 'another long password', true);
    const bToken = (await makeToken(b!.httpUrl, bAdmin, ['system:admin'])).token;
    const r = await sendArchive(b!.httpUrl, archive, bToken);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body['restoring'], true);
    await waitUntil('B restored and back', async () => {
      const ev = await call<Page<{ type: string }>>(b!.httpUrl, 'GET', '/api/v1/events?type=system.restored', { token: adminToken }).catch(() => undefined);
      return ev?.status === 200 && ev.body.items.length === 1;
    }, 40_000);
    assert.equal((await call(b!.httpUrl, 'GET', '/api/v1/tokens', { token: adminToken })).status, 200, 'A\'s token works on B');
    assert.equal((await call(b!.httpUrl, 'GET', '/api/v1/tokens', { token: bToken })).status, 401, 'B\'s own token is gone with B\'s old state');
    const keys = await call<Page<{ path: string }>>(b!.httpUrl, 'GET', '/api/v1/stream-keys', { token: adminToken });
    assert.deepEqual(keys.body.items.map((k) => k.path), ['live/stage']);
    await signIn(b!.httpUrl, 'admin', PW, true);
    const rtmp = `rtmp://127.0.0.1:${b!.readPorts()['rtmp']!.port}`;
    assert.equal(await publishFor(rtmp, `live/${streamKey}`), 0, 'A\'s stream key publishes on B');
    assert.notEqual(await publishFor(rtmp, 'live/AAAAbbbbCCCCdddd1111222233334444', 1), 0, 'an unknown key is still refused');
    assert.ok(statSync(join(b!.dataDir, 'before-restore', 'xlive.db')).isFile(), 'B\'s previous state was kept aside');
    assert.equal(readFileSync(join(b!.dataDir, 'config', 'local.json'), 'utf8'), LOCAL_CONFIG, 'the config files came along');
  });

  it('xlive backup writes the same archive while the box runs; xlive restore puts it on a stopped box', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-cli-backup-'));
    dirs.push(dir);
    const file = join(dir, 'a.tar.gz');
    const made = await runCli(['backup', file], { XLIVE_DATA_DIR: a.dataDir }, a.dataDir);
    assert.equal(made.code, 0, made.stderr);
    assert.equal((statSync(file).mode & 0o777).toString(8), '600');
    const { parts } = openArchive(readFileSync(file));
    assert.ok(parts.some((p) => p.path === 'plugin-data/auth-local/jwt-secret'));
    const c = join(dir, 'box-c');
    const restored = await runCli(['restore', file], { XLIVE_DATA_DIR: c }, dir);
    assert.equal(restored.code, 0, restored.stderr);
    const box = await startAppliance({ dataDir: c, cwd: dir, env: FAST });
    try {
      assert.equal((await call(box.httpUrl, 'GET', '/api/v1/tokens', { token: adminToken })).status, 200);
    } finally {
      await box.stop();
    }
    writeFileSync(join(dir, 'junk.tar.gz'), gzipSync(Buffer.from('junk')));
    const junk = await runCli(['restore', join(dir, 'junk.tar.gz')], { XLIVE_DATA_DIR: join(dir, 'box-d') }, dir);
    assert.notEqual(junk.code, 0);
    assert.match(junk.stderr, /BACKUP_INVALID/);
  });
});

const LOCAL_CONFIG = JSON.stringify({ events: { maxEvents: 5000 } });

function mkdirConfig(dir: string): void {
  mkdirSync(join(dir, 'config'), { recursive: true });
}
