/**
 * Plugins stay inside what they declared, against the real appliance (`xlive serve`):
 * - each plugin has its own SQLite file; a box laid out the old way (plugin tables in xlive.db) is
 *   moved on its first start, and a plugin with `"permissions": []` sees nothing of the core or auth-local;
 * - core and other plugins' prefixes can never be mounted or shadowed (PLUGIN_MOUNT_CONFLICT);
 * - third-party plugins start disabled until an admin consents to their declared permissions;
 * - database files, WAL, SHM and `xlive backup` output are 0600 whatever the umask;
 * - a configSchema with an unknown keyword refuses the plugin (PLUGIN_CONFIG_SCHEMA_INVALID).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';
import { runToEnd, startPublisher } from '../helpers/media-peers.js';
import { call, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { CORE_MIGRATIONS, CORE_OWNER, Migrator, closeDatabase, createPluginDatabase, openDatabase } from '../../core/store/index.js';
import { silentLogger } from '../../core/logging/logger.js';
import { parseStreamPath } from '../../core/streams/stream-path.js';
import { AUTH_LOCAL_MIGRATIONS } from '../../plugins/auth-local/migrations.js';
import { createConsoleAccounts } from '../../plugins/auth-local/auth-services.js';
import { withDefaults } from '../../plugins/auth-local/config.js';
import { StreamKeyStore } from '../../plugins/auth-local/stream-key-store.js';
import { RECORDING_MIGRATIONS } from '../../plugins/storage-local/recording-repository.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };
const log = silentLogger();

interface PluginRow {
  id: string;
  state: string;
  enabled: boolean;
  source: string;
  permissions: string[];
  consentRequired: boolean;
  consentPending: boolean;
  error: { code: string; message: string } | null;
}

async function plugin(app: ApplianceHandle, admin: Creds, id: string): Promise<PluginRow> {
  const r = await call<PluginRow>(app.httpUrl, 'GET', `/api/v1/plugins/${id}`, admin);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
  } finally {
    db.close();
  }
}

/**
 * A data directory as releases before per-plugin files left it: the old core migrations, then
 * auth-local's and storage-local's migrations run into xlive.db itself, with an admin and a stream key.
 */
async function oldLayout(dataDir: string): Promise<{ key: string }> {
  const db = openDatabase(join(dataDir, 'xlive.db'), log);
  try {
    const m = new Migrator(db, log);
    m.migrate(CORE_OWNER, CORE_MIGRATIONS.slice(0, 2));
    m.migrate('auth-local', AUTH_LOCAL_MIGRATIONS);
    m.migrate('storage-local', RECORDING_MIGRATIONS);
    const shared = createPluginDatabase(db);
    await createConsoleAccounts(shared, withDefaults({})).createAdmin('admin', PW);
    return { key: new StreamKeyStore(shared, parseStreamPath).create('live/stage').key };
  } finally {
    closeDatabase(db, log);
  }
}

describe('plugin databases: a box laid out the old way is moved on start, and a plugin sees only its own file', () => {
  let dataDir: string;
  let app: ApplianceHandle;
  let key: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-upgrade-'));
    ({ key } = await oldLayout(dataDir));
    const core = join(dataDir, 'xlive.db');
    // permissions: [] — it may only use its store; it tries to read the core's and auth-local's tables.
    writePlugin(
      join(dataDir, 'plugins'),
      'snoop',
      { permissions: [] },
      `import { definePlugin } from 'xlive/sdk';
       const attempt = (f) => { try { return { ok: f() }; } catch (e) { return { code: e.code ?? null, message: String(e.message) }; } };
       export default definePlugin({ setup(ctx) {
         const db = ctx.store.migrate([]);
         const seen = {
           users: attempt(() => db.prepare('SELECT * FROM auth_local_users').all()),
           master: attempt(() => db.prepare('SELECT type, name FROM sqlite_master').all()),
           pluginState: attempt(() => db.prepare('SELECT * FROM plugin_state').all()),
           attach: attempt(() => db.exec(${JSON.stringify(`ATTACH DATABASE '${core}' AS core`)})),
           attachInMigration: attempt(() => ctx.store.migrate([{ version: 1, name: 'x', up: ${JSON.stringify(`attach '${core}' as c2`)} }])),
         };
         ctx.log.info('SNOOP ' + JSON.stringify(seen));
       } });`,
    );
    await enablePlugins(dataDir, ['snoop']);
    app = await startAppliance({ dataDir, env: FAST });
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('moves auth-local\'s and storage-local\'s tables out of xlive.db into their own files once, and logs it', () => {
    assert.match(app.output(), /moved 7 tables \(\d+ rows\) of auth-local from \S+xlive\.db into its own database \S+auth-local\.db/);
    assert.match(app.output(), /moved 3 tables \(\d+ rows\) of storage-local/);
    const core = tablesOf(join(dataDir, 'xlive.db'));
    assert.deepEqual(core.filter((t) => t.startsWith('auth_local_') || t.startsWith('storage_local_')), []);
    const db = new Database(join(dataDir, 'xlive.db'), { readonly: true });
    try {
      assert.deepEqual(db.prepare("SELECT DISTINCT owner FROM schema_migrations ORDER BY owner").all(), [{ owner: 'core' }]);
      assert.deepEqual((db.prepare('SELECT owner FROM plugin_data_moves ORDER BY owner').all() as Array<{ owner: string }>).map((r) => r.owner), ['auth-local', 'storage-local']);
    } finally {
      db.close();
    }
    assert.ok(tablesOf(join(dataDir, 'plugin-data', 'auth-local', 'auth-local.db')).includes('auth_local_users'));
    assert.ok(tablesOf(join(dataDir, 'plugin-data', 'storage-local', 'storage-local.db')).includes('storage_local_recordings'));
  });

  it('the admin and the stream key made before the upgrade still work', async () => {
    const admin = await signIn(app.httpUrl, 'admin', PW, true);
    const keys = await call<{ items: Array<{ path: string }> }>(app.httpUrl, 'GET', '/api/v1/stream-keys', admin);
    assert.deepEqual(keys.body.items.map((k) => k.path), ['live/stage']);
    const pub = await runToEnd(startPublisher(`${app.rtmpUrl}/live/${key}`, 2));
    assert.equal(pub.code, 0, pub.stderr);
    const wrong = await runToEnd(startPublisher(`${app.rtmpUrl}/live/${'x'.repeat(32)}`, 1));
    assert.notEqual(wrong.code, 0, 'a wrong key is still refused');
  });

  it('a plugin with "permissions": [] sees nothing of the core or auth-local through ctx.store', async () => {
    const line = /SNOOP (.*)/.exec(app.output());
    assert.ok(line, app.output());
    const seen = JSON.parse(line[1]!) as Record<string, { ok?: unknown; code?: string; message?: string }>;
    assert.match(seen['users']!.message ?? '', /no such table: auth_local_users/);
    assert.match(seen['pluginState']!.message ?? '', /no such table: plugin_state/);
    const names = (seen['master']!.ok as Array<{ name: string }>).map((r) => r.name).sort();
    assert.deepEqual(names, ['schema_migrations', 'sqlite_autoindex_schema_migrations_1'], 'its own file holds nothing else');
    assert.equal(seen['attach']!.code, 'DATABASE_ERROR');
    assert.match(seen['attach']!.message ?? '', /ATTACH is not allowed/);
    assert.equal(seen['attachInMigration']!.code, 'DATABASE_ERROR');
    const admin = await signIn(app.httpUrl, 'admin', PW, true);
    assert.equal((await plugin(app, admin, 'snoop')).state, 'running');
    assert.ok(existsSync(join(dataDir, 'plugin-data', 'snoop', 'snoop.db')), 'its own file');
  });
});

describe('plugin mounts: core and other plugins\' prefixes can never be mounted or shadowed', () => {
  let dataDir: string;
  let app: ApplianceHandle;
  let admin: Creds;
  let stolen: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-mounts-'));
    stolen = join(dataDir, 'stolen.txt');
    const ext = join(dataDir, 'plugins');
    const mountPerms = ['http', 'http:mount', 'http:public'];
    // Logs the plaintext password of whoever signs in, if it ever gets the request.
    writePlugin(ext, 'evil-session', { permissions: mountPerms, httpMounts: ['/api/v1/session'] },
      `import { appendFileSync } from 'node:fs'; import { definePlugin } from 'xlive/sdk';
       export default definePlugin({ setup(ctx) {
         ctx.http.route('POST', '/api/v1/session', async (c) => { appendFileSync(${JSON.stringify(stolen)}, await c.req.text()); return c.json({ csrfToken: 'x' }); }, { public: true });
       } });`);
    writePlugin(ext, 'evil-health', { permissions: mountPerms, httpMounts: ['/healthz'] },
      `import { definePlugin } from 'xlive/sdk';
       export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/healthz', (c) => c.text('pwned'), { public: true }); } });`);
    writePlugin(ext, 'evil-hls', { permissions: mountPerms, httpMounts: ['/hls/live'] },
      `import { definePlugin } from 'xlive/sdk';
       export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/hls/live/x', (c) => c.text('pwned'), { public: true }); } });`);
    writePlugin(ext, 'venue-overlay', { permissions: mountPerms, httpMounts: ['/overlay'] },
      `import { definePlugin } from 'xlive/sdk';
       export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/overlay/now', (c) => c.json({ ok: true }), { public: true }); } });`);
    // Enabled on the console before the box ever started (the database does not exist yet).
    assert.equal(existsSync(join(dataDir, 'xlive.db')), false);
    await enablePlugins(dataDir, ['evil-session', 'evil-health', 'evil-hls', 'venue-overlay']);
    app = await startAppliance({ dataDir, env: FAST });
    admin = await signIn(app.httpUrl, 'admin', PW);
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses each conflicting mount at setup with PLUGIN_MOUNT_CONFLICT naming both owners', async () => {
    const session = await plugin(app, admin, 'evil-session');
    assert.equal(session.state, 'failed');
    assert.equal(session.error?.code, 'PLUGIN_MOUNT_CONFLICT');
    assert.match(session.error!.message, /evil-session may not mount \/api\/v1\/session: it conflicts with \/api\/v1\/session of auth-local/);
    const health = await plugin(app, admin, 'evil-health');
    assert.equal(health.error?.code, 'PLUGIN_MOUNT_CONFLICT');
    assert.match(health.error!.message, /evil-health may not mount \/healthz: it conflicts with \/healthz of core/);
    const hls = await plugin(app, admin, 'evil-hls');
    assert.equal(hls.error?.code, 'PLUGIN_MOUNT_CONFLICT');
    assert.match(hls.error!.message, /\/hls of hls/);
    assert.equal((await plugin(app, admin, 'venue-overlay')).state, 'running', 'a mount of its own is fine');
    assert.equal((await fetch(`${app.httpUrl}/overlay/now`)).status, 200);
  });

  it('sign-in still works and never reaches the plugin; /healthz and /hls stay the box\'s', async () => {
    const login = await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: PW });
    assert.equal(login.status, 200);
    assert.match(login.headers.get('set-cookie') ?? '', /^xlive_session=/);
    assert.equal(existsSync(stolen), false, 'the password never reached the plugin');
    const h = await fetch(`${app.httpUrl}/healthz`);
    assert.deepEqual(await h.json(), { status: 'ok' });
    assert.notEqual(await (await fetch(`${app.httpUrl}/hls/live/x`)).text(), 'pwned');
  });
});

describe('plugin consent: third-party plugins start disabled until an admin confirms their permissions', () => {
  let dataDir: string;
  let app: ApplianceHandle | undefined;
  let admin: Creds;
  const ext = () => join(dataDir, 'plugins');
  const greeter = (version: string, permissions: string[]) =>
    writePlugin(ext(), 'greeter', { permissions }, `import { definePlugin } from 'xlive/sdk';
      export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/', (c) => c.json({ v: ${JSON.stringify(version)} }), { public: true }); } });`, version);
  const restart = async () => {
    await app?.stop();
    app = await startAppliance({ dataDir, env: FAST });
    admin = await signIn(app.httpUrl, 'admin', PW, true);
  };
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-consent-'));
    greeter('1.0.0', ['http', 'http:public']);
    writePlugin(ext(), 'typo-schema', { configSchema: { type: 'object', properties: { greeting: { type: 'string', defualt: 'hi' } } } }, `export default { setup() {} };`);
    app = await startAppliance({ dataDir, env: FAST });
    admin = await signIn(app.httpUrl, 'admin', PW);
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a plugin found in the plugins directory is disabled, listing its permissions with consent pending', async () => {
    const p = await plugin(app!, admin, 'greeter');
    assert.equal(p.source, 'external');
    assert.equal(p.state, 'disabled');
    assert.equal(p.enabled, false);
    assert.deepEqual(p.permissions, ['http', 'http:public']);
    assert.equal(p.consentRequired, true);
    assert.equal(p.consentPending, true);
    const list = await call<{ items: PluginRow[] }>(app!.httpUrl, 'GET', '/api/v1/plugins', admin);
    const rtmp = list.body.items.find((x) => x.id === 'rtmp')!;
    assert.equal(rtmp.consentRequired, false, 'built-in plugins need no consent');
    assert.equal((await fetch(`${app!.httpUrl}/plugins/greeter/`)).status, 404);
  });

  it('enabling over the API needs exactly the declared permissions (409 with the list otherwise); it starts at once, and consent survives a restart', async () => {
    for (const body of [{ enabled: true }, { enabled: true, permissions: ['http'] }, { enabled: true, permissions: ['http', 'http:public', 'streams:read'] }, { enabled: true, permissions: 'http' }]) {
      const r = await call(app!.httpUrl, 'PATCH', '/api/v1/plugins/greeter', admin, body);
      assert.equal(r.status, 409, JSON.stringify(body));
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.equal(r.body['code'], 'PLUGIN_CONSENT_REQUIRED');
      assert.deepEqual(r.body['permissions'], ['http', 'http:public']);
    }
    const ok = await call(app!.httpUrl, 'PATCH', '/api/v1/plugins/greeter', admin, { enabled: true, permissions: ['http:public', 'http'] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // It starts at once (no httpMounts, nothing it needs missing): its route answers before any restart.
    assert.equal(ok.body['restartRequired'], false);
    assert.equal(ok.body['state'], 'running');
    assert.deepEqual(await (await fetch(`${app!.httpUrl}/plugins/greeter/`)).json(), { v: '1.0.0' });
    await restart();
    const p = await plugin(app!, admin, 'greeter');
    assert.equal(p.state, 'running');
    assert.equal(p.consentPending, false);
    assert.deepEqual(await (await fetch(`${app!.httpUrl}/plugins/greeter/`)).json(), { v: '1.0.0' });
    const events = await call<{ items: Array<{ message: string }> }>(app!.httpUrl, 'GET', '/api/v1/events?type=plugin.changed', admin);
    assert.ok(events.body.items.some((e) => /greeter enabled with consent to \[http, http:public\]/.test(e.message)));
  });

  it('a new version asking for more permissions goes back to disabled; `xlive plugins enable` prints them and consents', async () => {
    await app!.stop();
    app = undefined;
    greeter('1.1.0', ['http', 'http:public', 'streams:read']);
    await restart();
    const p = await plugin(app!, admin, 'greeter');
    assert.equal(p.state, 'disabled');
    assert.equal(p.consentPending, true);
    assert.equal((await fetch(`${app!.httpUrl}/plugins/greeter/`)).status, 404);
    await app!.stop();
    app = undefined;
    const out = await enablePlugins(dataDir, ['greeter']);
    assert.match(out, /greeter 1\.1\.0 is a third-party plugin .* consented to its permissions: http, http:public, streams:read/);
    await restart();
    assert.equal((await plugin(app!, admin, 'greeter')).state, 'running');
    assert.deepEqual(await (await fetch(`${app!.httpUrl}/plugins/greeter/`)).json(), { v: '1.1.0' });
  });

  it('a configSchema with an unknown keyword ("defualt") refuses the plugin with a message naming the keyword and the plugin', async () => {
    const p = await plugin(app!, admin, 'typo-schema');
    assert.equal(p.state, 'failed');
    assert.equal(p.error?.code, 'PLUGIN_CONFIG_SCHEMA_INVALID');
    assert.match(p.error!.message, /plugin typo-schema: .*unknown keyword "defualt"/);
    const list = await runCli(['plugins', 'list'], { XLIVE_DATA_DIR: dataDir }, dataDir);
    // The box runs: `plugins list` shows its runtime list (as GET /api/v1/plugins): failed, the error on the next line.
    assert.match(list.stdout, /typo-schema\s+(invalid\s+|-\s+failed\s+disabled\s+external\s*\n\s+error )PLUGIN_CONFIG_SCHEMA_INVALID: .*defualt/);
    assert.equal((await fetch(`${app!.httpUrl}/healthz`)).status, 200);
  });
});

describe('database files are 0600 whatever the umask: xlive.db, WAL, SHM, plugin databases, backups', () => {
  let dataDir: string;
  let app: ApplianceHandle | undefined;
  let umask: number;
  before(() => {
    umask = process.umask(0o000); // the most permissive: only the code's own chmod can make files private
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-modes-'));
  });
  after(async () => {
    await app?.stop();
    process.umask(umask);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const mode = (f: string) => statSync(f).mode & 0o777;

  it('the running box\'s database files and the backup files are owner-only', async () => {
    app = await startAppliance({ dataDir, env: FAST });
    await signIn(app.httpUrl, 'admin', PW); // writes: WAL and SHM exist now
    const files = [
      'xlive.db', 'xlive.db-wal', 'xlive.db-shm',
      'plugin-data/auth-local/auth-local.db', 'plugin-data/auth-local/auth-local.db-wal', 'plugin-data/auth-local/auth-local.db-shm',
      'plugin-data/storage-local/storage-local.db',
    ].map((f) => join(dataDir, f));
    for (const f of files) {
      assert.ok(existsSync(f), `${f} exists`);
      assert.equal(mode(f).toString(8), '600', f);
    }
    for (const d of ['plugin-data/auth-local', 'plugin-data/storage-local']) {
      assert.equal(mode(join(dataDir, d)).toString(8), '700', `${d}: directories it creates are owner-only`);
    }
    const out = join(dataDir, 'backups', 'box.db');
    const b = await runCli(['backup', out, '--db-only'], { XLIVE_DATA_DIR: dataDir, XLIVE_LOG_LEVEL: 'warn' }, dataDir);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /backup of plugin auth-local written to .*box\.db\.auth-local\.db/);
    for (const f of [out, `${out}.auth-local.db`, `${out}.storage-local.db`]) {
      assert.equal(mode(f).toString(8), '600', f);
      const db = new Database(f, { readonly: true });
      assert.equal((db.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check, 'ok');
      db.close();
    }
    const users = new Database(`${out}.auth-local.db`, { readonly: true });
    assert.deepEqual(users.prepare('SELECT username FROM auth_local_users').all(), [{ username: 'admin' }], 'the backup holds auth-local\'s data');
    users.close();
    const again = await runCli(['backup', out], { XLIVE_DATA_DIR: dataDir }, dataDir);
    assert.notEqual(again.code, 0, 'an existing backup is not overwritten without --overwrite');
    assert.match(again.stderr, /already exists/);
    assert.ok(readFileSync(out).length > 0);
    const archive = join(dataDir, 'backups', 'box.tar.gz');
    const full = await runCli(['backup', archive], { XLIVE_DATA_DIR: dataDir, XLIVE_LOG_LEVEL: 'warn' }, dataDir);
    assert.equal(full.code, 0, full.stderr);
    assert.equal(mode(archive).toString(8), '600', 'the backup archive (it holds the box secret) is owner-only');
  });

  it('a clean stop checkpoints and closes every plugin database (no -wal left beside them)', async () => {
    assert.equal(await app!.stop(), 0);
    app = undefined;
    for (const f of ['xlive.db', 'plugin-data/auth-local/auth-local.db', 'plugin-data/storage-local/storage-local.db']) {
      assert.ok(existsSync(join(dataDir, f)), f);
      assert.equal(existsSync(join(dataDir, `${f}-wal`)), false, `${f}-wal is gone`);
    }
  });
});
