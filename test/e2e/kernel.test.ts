import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { PACKAGE_ROOT, runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';

/** The kernel is tested without the auth plugin, open on purpose in lab mode (its own suite covers the guarded API). */
const OPEN = { XLIVE_PLUGIN_HOST_DISABLE: '["auth-local"]', XLIVE_AUTH_LAB_MODE: '1' };

interface PluginRow {
  id: string;
  state: string;
  source: string;
  error: { code: string; message: string } | null;
}

async function plugins(app: ApplianceHandle): Promise<Map<string, PluginRow>> {
  const res = await fetch(`${app.httpUrl}/api/v1/plugins`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { items: PluginRow[] };
  return new Map(body.items.map((p) => [p.id, p]));
}

describe('kernel: the appliance on its embedded defaults', () => {
  let app: ApplianceHandle;
  before(async () => {
    app = await startAppliance({ env: OPEN });
  });
  after(async () => {
    await app?.stop();
  });

  it('serves /healthz, /readyz and /api/v1/version', async () => {
    const h = await fetch(`${app.httpUrl}/healthz`);
    assert.equal(h.status, 200);
    assert.deepEqual(await h.json(), { status: 'ok' });
    assert.ok(h.headers.get('x-request-id'));
    const r = await fetch(`${app.httpUrl}/readyz`);
    const ready = (await r.json()) as { status: string; checks: Array<{ name: string }> };
    assert.ok(ready.checks.some((c) => c.name === 'database'));
    const v = (await (await fetch(`${app.httpUrl}/api/v1/version`)).json()) as { name: string; pluginApiVersion: string };
    assert.equal(v.name, 'xlive');
    assert.match(v.pluginApiVersion, /^1\./);
  });

  it('lists the built-in plugins as running', async () => {
    const list = await plugins(app);
    for (const p of list.values()) {
      // http-callback is built in but disabled by default (it needs a URL).
      if (p.source === 'builtin' && p.id !== 'auth-local' && p.id !== 'http-callback') assert.equal(p.state, 'running', `${p.id}: ${JSON.stringify(p.error)}`);
    }
  });

  it('answers unknown routes and oversized bodies with problem+json', async () => {
    const nf = await fetch(`${app.httpUrl}/no/such/route`);
    assert.equal(nf.status, 404);
    assert.equal(nf.headers.get('content-type'), 'application/problem+json');
    const body = (await nf.json()) as { code: string; status: number; requestId: string };
    assert.equal(body.code, 'NOT_FOUND');
    assert.equal(body.status, 404);
    assert.ok(body.requestId);
    const big = await fetch(`${app.httpUrl}/api/v1/version`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'text/plain' } });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { code: string }).code, 'PAYLOAD_TOO_LARGE');
  });
});

describe('kernel: external plugins and isolation', () => {
  let app: ApplianceHandle;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-plugins-'));
    const ext = join(dataDir, 'plugins');
    cpSync(join(PACKAGE_ROOT, 'dist', 'examples', 'hello-plugin'), join(ext, 'hello'), { recursive: true });
    const ok = `import { definePlugin } from 'xlive/sdk'; export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/', (c) => c.json({ id: ctx.id })); } });`;
    mkdirSync(join(ext, 'bad-manifest'), { recursive: true });
    writeFileSync(join(ext, 'bad-manifest', 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', xlive: { id: 'Bad Id!', apiVersion: '^1.0.0', kinds: ['other'] } }));
    writePlugin(ext, 'future-api', { apiVersion: '^2.0.0' }, ok);
    writePlugin(ext, 'setup-throws', {}, `import { definePlugin } from 'xlive/sdk'; export default definePlugin({ setup() { throw new Error('boom in setup'); } });`);
    writePlugin(ext, 'needs-setup-throws', { dependsOn: ['setup-throws'] }, ok);
    writePlugin(ext, 'start-hangs', {}, `import { definePlugin } from 'xlive/sdk'; export default definePlugin({ setup() {}, start() { return new Promise(() => {}); } });`);
    writePlugin(ext, 'missing-dep', { dependsOn: ['not-installed'] }, ok);
    writePlugin(ext, 'cycle-a', { dependsOn: ['cycle-b'] }, ok);
    writePlugin(ext, 'cycle-b', { dependsOn: ['cycle-a'] }, ok);
    writePlugin(ext, 'late-register', { permissions: ['http'] }, `import { definePlugin } from 'xlive/sdk'; let saved; export default definePlugin({ setup(ctx) { saved = ctx; }, start(ctx) { ctx.http.route('GET', '/late', (c) => c.text('late')); } });`);
    writePlugin(ext, 'no-default', {}, `export const nothing = 1;`);
    writePlugin(ext, 'works', { permissions: ['http'] }, ok);
    // Third-party plugins start disabled until an admin consents (here: on the console).
    const ids = ['hello', 'future-api', 'setup-throws', 'needs-setup-throws', 'start-hangs', 'missing-dep', 'cycle-a', 'cycle-b', 'late-register', 'no-default', 'works'];
    await enablePlugins(dataDir, ids);
    app = await startAppliance({ dataDir, env: { ...OPEN, XLIVE_HELLO_GREETING: 'hi there', XLIVE_PLUGIN_HOST_START_TIMEOUT_MS: '1500' } });
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads the example plugin from the external directory; its route and config work', async () => {
    const res = await fetch(`${app.httpUrl}/plugins/hello/`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { message: string };
    assert.equal(body.message, 'hi there from hello');
    const ready = (await (await fetch(`${app.httpUrl}/readyz`)).json()) as { checks: Array<{ name: string; status: string }> };
    assert.ok(ready.checks.some((c) => c.name === 'hello/mood' && c.status === 'ok'));
  });

  it('reports each broken plugin with a coded error and keeps serving the rest', async () => {
    const list = await plugins(app);
    const expect: Record<string, [string, string]> = {
      'future-api': ['failed', 'PLUGIN_API_MISMATCH'],
      'setup-throws': ['failed', 'PLUGIN_SETUP_FAILED'],
      'needs-setup-throws': ['skipped', 'PLUGIN_DEPENDENCY_FAILED'],
      'start-hangs': ['failed', 'PLUGIN_START_TIMEOUT'],
      'missing-dep': ['failed', 'PLUGIN_DEPENDENCY_MISSING'],
      'cycle-a': ['failed', 'PLUGIN_DEPENDENCY_CYCLE'],
      'cycle-b': ['failed', 'PLUGIN_DEPENDENCY_CYCLE'],
      'late-register': ['failed', 'PLUGIN_REGISTRATION_CLOSED'],
      'no-default': ['failed', 'PLUGIN_IMPORT_FAILED'],
      'bad-manifest': ['failed', 'PLUGIN_MANIFEST_INVALID'],
    };
    for (const [id, [state, code]] of Object.entries(expect)) {
      const p = list.get(id);
      assert.ok(p, `${id} is listed`);
      assert.equal(p.state, state, `${id} state`);
      assert.equal(p.error?.code, code, `${id} code: ${p.error?.message}`);
    }
    assert.match(list.get('bad-manifest')!.error!.message, /package\.json: xlive\.id/);
    assert.match(list.get('setup-throws')!.error!.message, /boom in setup/);
    assert.equal(list.get('works')!.state, 'running');
    assert.equal((await fetch(`${app.httpUrl}/plugins/works/`)).status, 200);
    const ready = await fetch(`${app.httpUrl}/readyz`);
    const body = (await ready.json()) as { checks: Array<{ name: string; status: string; message?: string }> };
    const pluginsCheck = body.checks.find((c) => c.name === 'plugins')!;
    assert.equal(pluginsCheck.status, 'warn', 'external plugin failures are a warning');
    assert.match(pluginsCheck.message!, /setup-throws failed/);
  });
});

describe('kernel: CLI, config errors and lifecycle', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('config check prints values with their layers', async () => {
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config', 'local.json'), JSON.stringify({ log: { level: 'warn' } }));
    const r = await runCli(['config', 'check'], { XLIVE_DATA_DIR: join(dir, 'data'), XLIVE_HTTP_PORT: '9090' }, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /http\.port\s*=\s*9090.*XLIVE_HTTP_PORT/);
    assert.match(r.stdout, /log\.level\s*=\s*"?warn"?.*local/);
  });

  it('an invalid config exits non-zero naming the key, value and layer', async () => {
    for (const args of [['config', 'check'], ['serve']]) {
      const r = await runCli(args, { XLIVE_DATA_DIR: join(dir, 'data'), XLIVE_HTTP_PORT: '80a' }, dir);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /http\.port/);
      assert.match(r.stderr, /80a/);
      assert.match(r.stderr, /XLIVE_HTTP_PORT/);
    }
  });

  it('SIGTERM stops the appliance promptly with exit code 0', async () => {
    const app = await startAppliance();
    const t0 = Date.now();
    const code = await app.stop();
    assert.equal(code, 0, app.output());
    assert.ok(Date.now() - t0 < 5000, 'stopped within 5 s');
    assert.match(app.output(), /SIGTERM received/);
  });

  it('plugins list/disable persist, backup writes a valid database, version prints', async () => {
    const env = { XLIVE_DATA_DIR: join(dir, 'data2') };
    const list = await runCli(['plugins', 'list'], env, dir);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+VERSION/m);
    const ext = join(dir, 'data2', 'plugins');
    cpSync(join(PACKAGE_ROOT, 'dist', 'examples', 'hello-plugin'), join(ext, 'hello'), { recursive: true });
    const dis = await runCli(['plugins', 'disable', 'hello'], env, dir);
    assert.equal(dis.code, 0, dis.stderr);
    const app = await startAppliance({ dataDir: join(dir, 'data2'), env: OPEN });
    try {
      const p = (await plugins(app)).get('hello');
      assert.equal(p?.state, 'disabled');
      assert.equal((await fetch(`${app.httpUrl}/plugins/hello/`)).status, 404);
    } finally {
      await app.stop();
    }
    const file = join(dir, 'backup.db');
    const b = await runCli(['backup', file, '--db-only'], env, dir);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(existsSync(file));
    const db = new Database(file, { readonly: true });
    assert.equal((db.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check, 'ok');
    assert.ok(db.prepare("SELECT enabled FROM plugin_state WHERE id = 'hello'").get());
    db.close();
    const v = await runCli(['version'], env, dir);
    assert.match(v.stdout, /^xlive \d+\.\d+\.\d+/);
  });

  it('refuses a corrupt database with a clear message', async () => {
    const data = join(dir, 'data3');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'xlive.db'), 'this is not a database '.repeat(400));
    const r = await runCli(['serve'], { XLIVE_DATA_DIR: data, XLIVE_HTTP_PORT: '0' }, dir);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /DATABASE_CORRUPT/);
    assert.match(r.stderr + r.stdout, /xlive\.db/);
  });
});
