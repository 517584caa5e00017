/**
 * Installing and uninstalling plugin packages on a real running box (`xlive serve` child process):
 * the example plugin packed by the build (dist/examples/hello-plugin-<version>.tgz) uploaded as admin
 * → listed disabled with its permissions → enabled with consent → it runs at once, no restart (its
 * route answers, and still after a restart in place) → uninstalled → gone. Attacks: an operator token, a viewer, a session without its
 * CSRF token, and hostile archives (traversal, symlink, decompression bomb, oversize, wrong-arch native
 * module, a first-party id, a future API) are refused, leave nothing in the plugins directory, and the
 * box keeps serving. The console (`xlive plugins install|uninstall`) runs the same checks.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { elfMachines, elfObject, pluginTar, pluginTgz, retype } from '../helpers/plugin-packages.js';
import { examplePluginPackage } from '../helpers/plugin-packages.js';
import { waitUntil } from '../helpers/wait.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };
const MAX_BYTES = 1024 * 1024;
const MAX_UNPACKED = 8 * 1024 * 1024;
type Page<T = Record<string, unknown>> = { items: T[]; next: string | null };

async function upload(base: string, body: Uint8Array, creds: Creds, query = '', type = 'application/gzip'): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': type };
  if (creds.token) headers['authorization'] = `Bearer ${creds.token}`;
  if (creds.cookie) headers['cookie'] = creds.cookie;
  if (creds.csrf) headers['x-csrf-token'] = creds.csrf;
  const res = await fetch(`${base}/api/v1/plugins${query}`, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('plugin packages: upload, consent, run, uninstall on a running box; attacks refused', () => {
  let box: ApplianceHandle;
  let admin: Creds;
  let adminToken: Creds;
  let operator: Creds;
  let viewer: Creds;
  const tgz = readFileSync(examplePluginPackage().path);
  const pluginsDir = () => join(box.dataDir, 'plugins');
  const listing = () => readdirSync(pluginsDir()).sort();
  let before0: string[];

  before(async () => {
    box = await startAppliance({
      env: { ...FAST, XLIVE_PLUGIN_HOST_MAX_PACKAGE_BYTES: String(MAX_BYTES), XLIVE_PLUGIN_HOST_MAX_PACKAGE_UNPACKED_BYTES: String(MAX_UNPACKED) },
    });
    admin = await signIn(box.httpUrl, 'admin', PW);
    adminToken = { token: (await makeToken(box.httpUrl, admin, ['plugins:admin', 'system:read', 'system:admin'])).token };
    operator = { token: (await makeToken(box.httpUrl, admin, ['streams:read', 'streams:write', 'recordings:read', 'recordings:write', 'system:read', 'metrics:read'])).token };
    const v = await call(box.httpUrl, 'POST', '/api/v1/users', admin, { username: 'viewer', password: PW, role: 'viewer' });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    viewer = await signIn(box.httpUrl, 'viewer', PW, true);
    before0 = listing();
  });

  after(async () => {
    await box?.stop();
  });

  it('refuses an upload without plugins:admin (no credentials, operator token, viewer) and a session without its CSRF token', async () => {
    assert.equal((await upload(box.httpUrl, tgz, {})).status, 401);
    const op = await upload(box.httpUrl, tgz, operator);
    assert.equal(op.status, 403);
    assert.equal(op.body['code'], 'FORBIDDEN');
    assert.match(String(op.body['detail']), /plugins:admin/);
    assert.equal((await upload(box.httpUrl, tgz, viewer)).status, 403);
    const noCsrf = await upload(box.httpUrl, tgz, { cookie: admin.cookie! });
    assert.equal(noCsrf.status, 403, JSON.stringify(noCsrf.body));
    assert.match(String(noCsrf.body['detail']), /CSRF/i);
    assert.equal((await call(box.httpUrl, 'DELETE', '/api/v1/plugins/rtmp', operator)).status, 403);
    assert.equal((await call(box.httpUrl, 'DELETE', '/api/v1/plugins/rtmp', { cookie: admin.cookie! })).status, 403);
    assert.deepEqual(listing(), before0);
  });

  it('refuses hostile and unfit packages with a clear problem, leaving nothing in the plugins directory; the box keeps serving', async () => {
    const other = elfMachines().other;
    const cases: Array<[string, Uint8Array, number, string, RegExp]> = [
      ['traversal', pluginTgz('evil', {}, [{ path: 'package/../../../evil.js', data: Buffer.from('x') }]), 400, 'PLUGIN_PACKAGE_INVALID', /climbs out of the plugin folder/],
      ['absolute path', pluginTgz('evil', {}, [{ path: '/tmp/evil.js', data: Buffer.from('x') }]), 400, 'PLUGIN_PACKAGE_INVALID', /absolute path/],
      ['symlink', gzipSync(retype(pluginTar('evil', {}, [{ path: 'package/passwd', data: Buffer.alloc(0) }]), 2, '2', '/etc/passwd')), 400, 'PLUGIN_PACKAGE_INVALID', /is a symbolic link/],
      ['hard link', gzipSync(retype(pluginTar('evil', {}, [{ path: 'package/passwd', data: Buffer.alloc(0) }]), 2, '1', '/etc/passwd')), 400, 'PLUGIN_PACKAGE_INVALID', /is a hard link/],
      ['duplicate path', pluginTgz('evil', {}, [{ path: 'package/index.js', data: Buffer.from('export default 1') }]), 400, 'PLUGIN_PACKAGE_INVALID', /twice/],
      ['decompression bomb', pluginTgz('bomb', {}, [{ path: 'package/zeros', data: Buffer.alloc(64 * 1024 * 1024) }]), 413, 'PLUGIN_PACKAGE_TOO_LARGE', /unpacks to more than/],
      ['oversize', Buffer.concat([pluginTgz('big'), Buffer.alloc(MAX_BYTES)]), 413, 'PAYLOAD_TOO_LARGE', /larger than/],
      ['wrong-arch native module', pluginTgz('native', {}, [{ path: 'package/build/Release/addon.node', data: elfObject(other) }]), 400, 'PLUGIN_NATIVE_ARCH_MISMATCH', new RegExp(`built for .*this box is ${process.arch}`)],
      ['first-party id', pluginTgz('rtmp'), 409, 'PLUGIN_BUILTIN', /taken by a first-party plugin/],
      ['future API', pluginTgz('future', { apiVersion: '^9.0.0' }), 409, 'PLUGIN_API_MISMATCH', /needs plugin API \^9.0.0/],
      ['unknown permission', pluginTgz('greedy', { permissions: ['root'] }), 400, 'PLUGIN_MANIFEST_INVALID', /unknown permission "root"/],
      ['missing dependency', pluginTgz('needy', { dependsOn: ['nowhere'] }), 409, 'PLUGIN_DEPENDENCY_MISSING', /depends on nowhere/],
      ['not gzip', Buffer.from('PK\u0003\u0004 zip'), 400, 'PLUGIN_PACKAGE_INVALID', /not gzip'd/],
    ];
    for (const [what, body, status, code, message] of cases) {
      const r = await upload(box.httpUrl, body, adminToken);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body['code'], code, what);
      assert.match(String(r.body['detail']), message, what);
      assert.deepEqual(listing(), before0, `${what} left nothing behind`);
    }
    const wrongType = await upload(box.httpUrl, tgz, adminToken, '', 'application/json');
    assert.equal(wrongType.status, 400);
    assert.match(String(wrongType.body['detail']), /Content-Type: application\/gzip/);
    assert.equal((await fetch(`${box.httpUrl}/healthz`)).status, 200);
    const list = await call<Page<{ id: string }>>(box.httpUrl, 'GET', '/api/v1/plugins?limit=500', adminToken);
    assert.deepEqual(list.body.items.filter((p) => ['evil', 'bomb', 'big', 'native', 'future', 'greedy', 'needy'].includes(p.id)), []);
  });

  it('installs the example package disabled with its permissions, runs it on consent without a restart, then uninstalls it', async () => {
    const r = await upload(box.httpUrl, tgz, adminToken);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body['id'], 'hello');
    assert.equal(r.body['version'], examplePluginPackage().version);
    assert.equal(r.body['enabled'], false);
    assert.equal(r.body['state'], 'disabled');
    assert.deepEqual(r.body['permissions'], ['http', 'http:public']);
    assert.equal(r.body['consentRequired'], true);
    assert.equal(r.body['consentPending'], true);
    assert.deepEqual(listing(), [...before0, 'hello'].sort());

    const listed = await call<Page<Record<string, unknown>>>(box.httpUrl, 'GET', '/api/v1/plugins?limit=500', { token: operator.token! });
    const hello = listed.body.items.find((p) => p['id'] === 'hello')!;
    assert.equal(hello['enabled'], false);
    assert.deepEqual(hello['permissions'], ['http', 'http:public']);
    assert.equal((await fetch(`${box.httpUrl}/plugins/hello/`)).status, 404, 'not mounted before it runs');

    const again = await upload(box.httpUrl, tgz, adminToken);
    assert.equal(again.status, 409);
    assert.equal(again.body['code'], 'PLUGIN_ALREADY_INSTALLED');
    assert.match(String(again.body['detail']), /already installed; .*update=true/);
    const updated = await upload(box.httpUrl, tgz, adminToken, '?update=true');
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body['previousVersion'], examplePluginPackage().version);

    // Consent: enabling without confirming the permissions is refused; with them it starts at once.
    const noConsent = await call(box.httpUrl, 'PATCH', '/api/v1/plugins/hello', adminToken, { enabled: true });
    assert.equal(noConsent.status, 409);
    assert.equal(noConsent.body['code'], 'PLUGIN_CONSENT_REQUIRED');
    const enabled = await call(box.httpUrl, 'PATCH', '/api/v1/plugins/hello', adminToken, { enabled: true, permissions: ['http:public', 'http'] });
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
    assert.equal(enabled.body['state'], 'running', JSON.stringify(enabled.body));
    assert.equal(enabled.body['enabled'], true);
    assert.equal(enabled.body['restartRequired'], false);
    const now = await fetch(`${box.httpUrl}/plugins/hello/`);
    assert.equal(now.status, 200, 'its route answers without a restart');
    assert.equal(((await now.json()) as Record<string, unknown>)['message'], 'hello from hello');
    assert.equal((await fetch(`${box.httpUrl}/plugins/hello/`, { method: 'DELETE' })).status, 405, 'an unserved method of its path is 405 as for any route');
    const openapi = (await (await fetch(`${box.httpUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(Object.keys(openapi.paths).some((p) => p.startsWith('/plugins/hello')), 'its documented route is in the OpenAPI document');

    // A restart in place keeps it enabled and running (consent saved).
    const restart = await call(box.httpUrl, 'POST', '/api/v1/system/restart', adminToken, { reason: 'check hello after a restart' });
    assert.equal(restart.status, 202);
    await waitUntil('the box restarted', () => /ready: .*plugins running[\s\S]*ready: /.test(box.output()), 30_000);
    const greeting = await waitUntil('hello answers', async () => {
      const res = await fetch(`${box.httpUrl}/plugins/hello/`).catch(() => undefined);
      return res?.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    }, 30_000);
    assert.equal(greeting['message'], 'hello from hello');
    const running = await call(box.httpUrl, 'GET', '/api/v1/plugins/hello', adminToken);
    assert.equal(running.body['state'], 'running');

    // Uninstall: first-party plugins cannot be; hello is stopped, its code removed, it is gone.
    const builtin = await call(box.httpUrl, 'DELETE', '/api/v1/plugins/rtmp', adminToken);
    assert.equal(builtin.status, 409);
    assert.equal(builtin.body['code'], 'PLUGIN_BUILTIN');
    const gone = await call(box.httpUrl, 'DELETE', '/api/v1/plugins/hello?purge=true', { cookie: admin.cookie!, csrf: admin.csrf! });
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    assert.deepEqual(gone.body, { id: 'hello', version: examplePluginPackage().version, purged: true });
    assert.deepEqual(listing(), before0);
    assert.equal((await call(box.httpUrl, 'GET', '/api/v1/plugins/hello', adminToken)).status, 404);
    const after = await fetch(`${box.httpUrl}/plugins/hello/`);
    assert.equal(after.status, 503, 'its route stays mounted until the next start but no longer runs its code');
    assert.equal(((await after.json()) as { code: string }).code, 'PLUGIN_NOT_RUNNING');
    assert.equal((await call(box.httpUrl, 'DELETE', '/api/v1/plugins/hello', adminToken)).status, 404);

    // Installed again before the next start: its old routes are still mounted, so enabling it waits for a restart.
    assert.equal((await upload(box.httpUrl, tgz, adminToken)).status, 201);
    const again2 = await call(box.httpUrl, 'PATCH', '/api/v1/plugins/hello', adminToken, { enabled: true, permissions: ['http', 'http:public'] });
    assert.equal(again2.status, 200, JSON.stringify(again2.body));
    assert.equal(again2.body['state'], 'disabled');
    assert.equal(again2.body['restartRequired'], true);
    assert.equal((await call(box.httpUrl, 'DELETE', '/api/v1/plugins/hello?purge=true', adminToken)).status, 200);

    const installed = await call<Page<{ data: Record<string, unknown> }>>(box.httpUrl, 'GET', '/api/v1/events?type=plugin.installed', adminToken);
    assert.equal(installed.body.items.length, 3);
    const uninstalled = await call<Page<{ data: Record<string, unknown> }>>(box.httpUrl, 'GET', '/api/v1/events?type=plugin.uninstalled', adminToken);
    assert.equal(uninstalled.body.items.length, 2);
    assert.match(String(uninstalled.body.items[1]!.data['actor']), /^user:admin/, 'the session uninstall (older, listed second)');
    const audit = await call<Page<{ action: string; actor: string }>>(box.httpUrl, 'GET', '/api/v1/audit?limit=100', adminToken);
    const actions = audit.body.items.map((e) => e.action);
    assert.ok(actions.includes('plugin.installed') && actions.includes('plugin.uninstalled'), actions.join(', '));
    assert.equal((await fetch(`${box.httpUrl}/healthz`)).status, 200);
  });

  it('the console installs and uninstalls with the same checks (xlive plugins install|uninstall)', async () => {
    const env = { XLIVE_DATA_DIR: box.dataDir, XLIVE_LOG_LEVEL: 'warn' };
    const refused = await runCli(['plugins', 'uninstall', 'rtmp'], env, box.dataDir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /PLUGIN_BUILTIN: plugin rtmp is a first-party plugin/);
    const ok = await runCli(['plugins', 'install', examplePluginPackage().path], env, box.dataDir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /hello 1\.\d+\.\d+ installed in .*, disabled\n {2}it asks for: http, http:public/);
    const dup = await runCli(['plugins', 'install', examplePluginPackage().path], env, box.dataDir);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /PLUGIN_ALREADY_INSTALLED/);
    const un = await runCli(['plugins', 'uninstall', 'hello', '--purge'], env, box.dataDir);
    assert.equal(un.code, 0, un.stderr);
    assert.match(un.stdout, /hello .* uninstalled, its data removed/);
    assert.deepEqual(listing(), before0);
  });
});
