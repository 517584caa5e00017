/**
 * The updater's parts against real files, real SQLite databases, real dpkg-deb packages and a real
 * HTTP /readyz: the spool refuses what is not a package and never follows a link the service user
 * planted; the journal is append-only and link-proof; a database snapshot restores exactly (and drops
 * the WAL a newer version left); the health gate needs the right version, process and /readyz for the
 * settle time; and the Updater's A/B switch rolls back, in order, when the new version is not ready.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { silentLogger } from '../../core/logging/logger.js';
import { findDatabaseFiles, restoreDatabases, snapshotDatabases } from './data-snapshot.js';
import { readDebControl } from './deb-tools.js';
import { parseUnitState, waitUntilReady } from './readiness-gate.js';
import { UpdateJournal } from './update-journal.js';
import { UpdateService } from './update-service.js';
import { UpdateSpool } from './update-spool.js';
import { Updater, type UpdaterSystem } from './updater.js';
import { buildDeb } from '../../test/helpers/debs.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `xlive-update-${name}-`));

async function* chunks(...parts: Buffer[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield p;
}

describe('update spool', () => {
  const dir = tmp('spool');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a real package, with its size and hash; the updater copies it out and empties the spool', async () => {
    const deb = buildDeb(dir, 'xlive', '9.0.0');
    const spool = new UpdateSpool(join(dir, 'incoming'));
    const r = await spool.submit(chunks(readFileSync(deb)), { by: 'user:admin', source: 'api' }, 10 * 1024 * 1024);
    assert.match(r.id, /^u-\d{14}-[0-9a-f]{8}$/);
    assert.deepEqual(spool.pending(), [r.id]);
    assert.ok(spool.isQueued(r.id));
    const work = join(dir, 'work');
    mkdirSync(work);
    const taken = spool.take(r.id, work, 10 * 1024 * 1024);
    assert.equal(taken.request.by, 'user:admin');
    assert.deepEqual(readFileSync(taken.deb), readFileSync(deb));
    assert.equal((await readDebControl(taken.deb)).version, '9.0.0');
    assert.deepEqual(spool.pending(), []);
  });

  it('refuses a body that is not a .deb at its first bytes, and one larger than the cap, leaving nothing behind', async () => {
    const spool = new UpdateSpool(join(dir, 'incoming2'));
    await assert.rejects(spool.submit(chunks(Buffer.from('#!/bin/sh\nrm -rf /\n')), { by: 'x', source: 'api' }, 1024), { code: 'UPDATE_PACKAGE_INVALID' });
    await assert.rejects(spool.submit(chunks(Buffer.from('!<arch>\n')), { by: 'x', source: 'api' }, 1024), { code: 'UPDATE_PACKAGE_INVALID' });
    const deb = readFileSync(buildDeb(dir, 'xlive', '9.0.1', 'amd64', 4096));
    await assert.rejects(spool.submit(chunks(deb.subarray(0, 100), deb.subarray(100)), { by: 'x', source: 'api' }, 1000), { code: 'PAYLOAD_TOO_LARGE' });
    assert.deepEqual(spool.pending(), []);
    assert.deepEqual(
      (await import('node:fs')).readdirSync(join(dir, 'incoming2')),
      [],
      'no partial files are left',
    );
  });

  it('attack: a link planted in the spool (to a root-only file) is refused, never copied', async () => {
    const spool = new UpdateSpool(join(dir, 'incoming3'));
    const secret = join(dir, 'root-only-secret');
    writeFileSync(secret, 'the shadow file');
    const r = await spool.submit(chunks(readFileSync(buildDeb(dir, 'xlive', '9.0.2'))), { by: 'x', source: 'api' }, 1 << 24);
    rmSync(join(spool.dir, `${r.id}.deb`));
    symlinkSync(secret, join(spool.dir, `${r.id}.deb`));
    const work = join(dir, 'work3');
    mkdirSync(work);
    assert.throws(() => spool.take(r.id, work, 1 << 24), { code: 'UPDATE_PACKAGE_INVALID', message: /symbolic link/ });
    assert.ok(!existsSync(join(work, `${r.id}.deb`)) || readFileSync(join(work, `${r.id}.deb`), 'utf8') !== 'the shadow file');
    assert.deepEqual(spool.pending(), [], 'the request is gone from the spool');
  });
});

describe('update journal', () => {
  const dir = tmp('journal');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('appends numbered steps, reads them back per request, and skips a torn last line', () => {
    const j = new UpdateJournal(join(dir, 'journal.jsonl'));
    j.append({ id: 'u-1', step: 'received', message: 'a' });
    j.append({ id: 'u-2', step: 'refused', message: 'b' });
    j.append({ id: 'u-1', step: 'succeeded', message: 'c', from: '1', to: '2' });
    writeFileSync(join(dir, 'journal.jsonl'), readFileSync(join(dir, 'journal.jsonl'), 'utf8') + '{"seq":4,"id":"u-3","st', { flag: 'w' });
    assert.deepEqual(j.entries().map((e) => e.seq), [1, 2, 3]);
    assert.deepEqual(j.stepsOf('u-1').map((e) => e.step), ['received', 'succeeded']);
  });

  it('attack: a journal path replaced by a link is not written through', () => {
    const target = join(dir, 'elsewhere');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(dir, 'linked.jsonl'));
    const j = new UpdateJournal(join(dir, 'linked.jsonl'));
    assert.throws(() => j.append({ id: 'u-1', step: 'received', message: 'x' }), { code: 'ELOOP' });
    assert.equal(readFileSync(target, 'utf8'), 'untouched');
  });
});

describe('database snapshot', () => {
  const dataDir = tmp('data');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('restores every database as it was, drops the WAL and the databases a newer version left, never touches media', () => {
    mkdirSync(join(dataDir, 'plugin-data', 'auth-local'), { recursive: true });
    mkdirSync(join(dataDir, 'plugin-data', 'storage-local', 'recordings', 'x'), { recursive: true });
    writeFileSync(join(dataDir, 'plugin-data', 'storage-local', 'recordings', 'x', 'seg.db'), 'not a database: media');
    const open = (f: string) => new Database(join(dataDir, f));
    const core = open('xlive.db');
    core.exec("CREATE TABLE keys (k TEXT); INSERT INTO keys VALUES ('stream-key-1');");
    core.close();
    const auth = open('plugin-data/auth-local/auth-local.db');
    auth.exec("CREATE TABLE tokens (t TEXT); INSERT INTO tokens VALUES ('token-1');");
    auth.close();
    assert.deepEqual(findDatabaseFiles(dataDir).map((f) => f.slice(dataDir.length)), ['/plugin-data/auth-local/auth-local.db', '/xlive.db']);

    const snap = join(dataDir, '..', `${join(dataDir).split('/').pop()}-snap`);
    const saved = snapshotDatabases(dataDir, snap);
    assert.equal(saved.files, 2);

    // The newer version migrates (in WAL mode, leaving a -wal), adds a database of its own.
    const newer = open('xlive.db');
    newer.pragma('journal_mode = WAL');
    newer.pragma('wal_autocheckpoint = 0');
    newer.exec("CREATE TABLE newer_schema (x); INSERT INTO keys VALUES ('written-by-newer');");
    const extra = open('plugin-data/auth-local/new-plugin.db');
    extra.exec('CREATE TABLE t (x)');
    extra.close();
    assert.ok(existsSync(join(dataDir, 'xlive.db-wal')));
    // (the newer process is killed: its WAL stays on disk)

    const restored = restoreDatabases(dataDir, snap);
    newer.close();
    assert.equal(restored.files, 2);
    assert.ok(!existsSync(join(dataDir, 'xlive.db-wal')), 'the newer WAL is gone');
    assert.ok(!existsSync(join(dataDir, 'plugin-data/auth-local/new-plugin.db')));
    const back = open('xlive.db');
    assert.deepEqual(back.prepare('SELECT k FROM keys').all(), [{ k: 'stream-key-1' }]);
    assert.equal((back.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'newer_schema'").get() as { n: number }).n, 0);
    back.close();
    assert.equal(readFileSync(join(dataDir, 'plugin-data', 'storage-local', 'recordings', 'x', 'seg.db'), 'utf8'), 'not a database: media');
    rmSync(snap, { recursive: true, force: true });
  });
});

describe('health gate', () => {
  let server: Server;
  let status = 200;
  let port = 0;
  const dir = tmp('gate');
  const readyFile = join(dir, 'ready.json');
  before(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/readyz' ? status : 404;
      res.end(JSON.stringify({ status: status === 200 ? 'ok' : 'fail' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const unit = (active: string, mainPid: number) => ({ state: async () => ({ active, mainPid }) });
  const ready = (version: string, pid: number) => writeFileSync(readyFile, JSON.stringify({ version, pid, listeners: { http: { host: '0.0.0.0', port } } }));

  it('passes when the new version, in the unit main process, answers /readyz 200 for the settle time', async () => {
    status = 200;
    ready('2.0.0', 4242);
    const r = await waitUntilReady({ version: '2.0.0', readyFile, unit: unit('active', 4242), timeoutMs: 5000, settleMs: 300, pollMs: 50 });
    assert.equal(r.ok, true);
  });

  it('reads the unit state by property name, in whatever order systemctl prints it', () => {
    assert.deepEqual(parseUnitState('MainPID=4242\nActiveState=active\n'), { active: 'active', mainPid: 4242 });
    assert.deepEqual(parseUnitState('ActiveState=activating\nMainPID=0\n'), { active: 'activating', mainPid: 0 });
    assert.deepEqual(parseUnitState(''), { active: 'unknown', mainPid: 0 });
  });

  it('fails, saying why, for the old version still serving, a stale ready.json, a failing /readyz, a failed unit', async () => {
    const cases: [() => void, ReturnType<typeof unit>, RegExp][] = [
      [() => ready('1.0.0', 4242), unit('active', 4242), /version 1\.0\.0 is serving, not 2\.0\.0/],
      [() => ready('2.0.0', 1111), unit('active', 4242), /from process 1111, the service runs 4242/],
      [() => { ready('2.0.0', 4242); status = 503; }, unit('active', 4242), /\/readyz answered 503/],
      [() => ready('2.0.0', 4242), unit('failed', 0), /the service is failed/],
    ];
    for (const [arrange, u, reason] of cases) {
      status = 200;
      arrange();
      const r = await waitUntilReady({ version: '2.0.0', readyFile, unit: u, timeoutMs: 400, settleMs: 100, pollMs: 50 });
      assert.equal(r.ok, false);
      assert.match((r as { reason: string }).reason, reason);
    }
  });
});

/** The system as the Updater sees it, scripted: what is installed, whether the new version gets ready. */
function scriptedSystem(o: { installed: string; readyVersions: Set<string>; log: string[]; dataDir: string }): UpdaterSystem {
  let installed = o.installed;
  return {
    readControl: (deb) => readDebControl(deb),
    installedVersion: async () => installed,
    hostArchitecture: async () => 'amd64',
    isNewer: async (a, b) => execFileSyncOk('dpkg', ['--compare-versions', a, 'gt', b]),
    repackInstalled: async (out) => {
      o.log.push(`repack ${installed}`);
      writeFileSync(out, readFileSync(buildDeb(o.dataDir, 'xlive', installed)));
    },
    install: async (deb) => {
      installed = (await readDebControl(deb)).version;
      o.log.push(`install ${installed}`);
      return { ok: true, output: '' };
    },
    stopService: async () => void o.log.push('stop'),
    startService: async () => (o.log.push('start'), { ok: true, error: '' }),
    waitReady: async (v) => (o.readyVersions.has(v) ? { ok: true, afterMs: 1 } : { ok: false, reason: '/readyz answered 503: failing checks: plugins' }),
    snapshotData: () => (o.log.push('snapshot'), { files: 2, bytes: 10 }),
    restoreData: () => (o.log.push('restore'), { files: 2, removed: 1 }),
  };
}

function execFileSyncOk(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('Updater (the A/B switch)', () => {
  const dir = tmp('updater');
  after(() => rmSync(dir, { recursive: true, force: true }));

  const setup = (name: string, installed: string, readyVersions: string[]) => {
    const root = join(dir, name);
    mkdirSync(join(root, 'work'), { recursive: true });
    const log: string[] = [];
    const spool = new UpdateSpool(join(root, 'incoming'));
    const journal = new UpdateJournal(join(root, 'journal.jsonl'));
    const updater = new Updater({ spool, journal, workDir: join(root, 'work'), maxBytes: 1 << 26, system: scriptedSystem({ installed, readyVersions: new Set(readyVersions), log, dataDir: root }), log: silentLogger() });
    const queue = async (pkg: string, version: string) => (await spool.submit(chunks(readFileSync(buildDeb(root, pkg, version))), { by: 'user:admin', source: 'api' }, 1 << 26)).id;
    return { root, log, journal, updater, queue };
  };

  it('a version that becomes ready replaces the old one and is kept as the next rollback target', async () => {
    const t = setup('ok', '1.0.0', ['1.0.0', '1.1.0']);
    const id = await t.queue('xlive', '1.1.0');
    const [last] = await t.updater.runPending();
    assert.equal(last!.step, 'succeeded');
    assert.deepEqual(t.journal.stepsOf(id).map((e) => e.step), ['received', 'installing', 'succeeded']);
    assert.deepEqual(t.log, ['repack 1.0.0', 'stop', 'snapshot', 'install 1.1.0', 'start']);
    assert.equal((await readDebControl(t.updater.installedDeb)).version, '1.1.0');
  });

  it('a version that does not become ready: stop, restore the databases, reinstall the previous, which serves again', async () => {
    const t = setup('broken', '1.1.0', ['1.1.0']);
    const id = await t.queue('xlive', '1.2.0');
    const [last] = await t.updater.runPending();
    assert.equal(last!.step, 'rolled-back', last!.message);
    assert.match(last!.message, /1\.2\.0 did not become ready .*failing checks: plugins.*1\.1\.0 is serving again/);
    assert.deepEqual(t.journal.stepsOf(id).map((e) => e.step), ['received', 'installing', 'failed', 'rolled-back']);
    assert.deepEqual(t.log, ['repack 1.1.0', 'stop', 'snapshot', 'install 1.2.0', 'start', 'stop', 'restore', 'install 1.1.0', 'start']);
    assert.equal((await readDebControl(t.updater.installedDeb)).version, '1.1.0', 'the previous package is kept for next time');
  });

  it('refuses another package, another architecture and a version that is not newer, without stopping anything', async () => {
    const t = setup('refuse', '2.0.0', ['2.0.0']);
    await t.queue('not-xlive', '3.0.0');
    await t.queue('xlive', '2.0.0');
    await t.queue('xlive', '1.9.0');
    const arm = await t.updater.runPending();
    const spoolArm = new UpdateSpool(join(t.root, 'incoming'));
    await spoolArm.submit(chunks(readFileSync(buildDeb(t.root, 'xlive', '3.0.0', 'arm64'))), { by: 'user:admin', source: 'api' }, 1 << 26);
    const done = [...arm, ...(await t.updater.runPending())];
    assert.deepEqual(done.map((e) => e.step), ['refused', 'refused', 'refused', 'refused']);
    assert.deepEqual(done.map((e) => e.message.replace(/\d+\.\d+\.\d+/g, 'V')), [
      'the package is not-xlive, not xlive',
      'V is not newer than the installed V',
      'V is not newer than the installed V',
      'the package is for arm64; this box is amd64',
    ]);
    assert.deepEqual(t.log, []);
  });
});

describe('UpdateService events', () => {
  const dir = tmp('events');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('records each journal step once as an update.* event, and again after a restored (older) database', () => {
    const journal = new UpdateJournal(join(dir, 'journal.jsonl'));
    const kv = new Map<string, unknown>();
    const events: { type: string; severity?: string }[] = [];
    const svc = new UpdateService({
      stateDir: dir,
      dataDir: join(dir, 'data'),
      maxUploadBytes: 1 << 20,
      kv: { get: (_o, k) => kv.get(k), set: (_o, k, v) => void kv.set(k, v) },
      events: { record: (_s, e) => (events.push(e), undefined) },
      log: silentLogger(),
    });
    journal.append({ id: 'u-20261203000000-00000000', step: 'received', message: 'm', to: '2' });
    journal.append({ id: 'u-20261203000000-00000000', step: 'installing', message: 'm', from: '1', to: '2' });
    assert.equal(svc.syncEvents(), 2);
    assert.equal(svc.syncEvents(), 0);
    journal.append({ id: 'u-20261203000000-00000000', step: 'failed', message: 'm', from: '1', to: '2' });
    journal.append({ id: 'u-20261203000000-00000000', step: 'rolled-back', message: 'm', from: '1', to: '2' });
    kv.set('update.journalSeq', 1); // the database snapshot was taken after "received" was recorded
    assert.equal(svc.syncEvents(), 3);
    assert.deepEqual(events.map((e) => e.type), ['update.received', 'update.installing', 'update.installing', 'update.failed', 'update.rolled-back']);
    assert.deepEqual(events.slice(-2).map((e) => e.severity), ['error', 'warn']);
    const s = svc.status('u-20261203000000-00000000');
    assert.deepEqual([s.state, s.final, s.from, s.to], ['rolled-back', true, '1', '2']);
  });
});
