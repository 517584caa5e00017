import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { silentLogger } from '../logging/logger.js';
import { elfMachines, elfObject, manifestJson, pluginTar, pluginTgz, retype } from '../../test/helpers/plugin-packages.js';
import { discoverPlugins } from './plugin-discovery.js';
import { PluginInstaller } from './plugin-installer.js';

const WHO = { actor: 'user:admin', ip: '127.0.0.1' };

describe('plugin installer: checks before anything is written, staging then rename, uninstall', () => {
  let root: string;
  let builtin: string;
  let pluginsDir: string;
  let dataDir: string;
  let events: Array<{ type: string; data: Record<string, unknown> }>;
  let forgotten: string[];
  let installer: PluginInstaller;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'xlive-installer-'));
    builtin = join(root, 'builtin');
    pluginsDir = join(root, 'plugins');
    dataDir = join(root, 'data');
    mkdirSync(join(builtin, 'rtmp'), { recursive: true });
    writeFileSync(join(builtin, 'rtmp', 'package.json'), manifestJson('rtmp', { kinds: ['protocol'] }));
    writeFileSync(join(builtin, 'rtmp', 'index.js'), '');
    mkdirSync(pluginsDir);
    events = [];
    forgotten = [];
    installer = new PluginInstaller({
      pluginsDir,
      hostApiVersion: '1.2.0',
      limits: { maxBytes: 1024 * 1024, maxUnpackedBytes: 1024 * 1024, maxEntries: 100 },
      discover: () =>
        discoverPlugins([
          { path: builtin, source: 'builtin' },
          { path: pluginsDir, source: 'external' },
        ]),
      forget: (id) => forgotten.push(id),
      purgeData: (id) => rmSync(join(dataDir, 'plugin-data', id), { recursive: true, force: true }),
      record: (type, _message, data) => events.push({ type, data }),
      log: silentLogger(),
    });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const listing = () => readdirSync(pluginsDir).sort();

  it('installs a package into <pluginsDir>/<id> and records plugin.installed with its permissions', () => {
    const r = installer.installArchive(pluginTgz('hello', { permissions: ['http', 'http:public'] }), WHO);
    assert.equal(r.manifest.id, 'hello');
    assert.equal(r.manifest.dir, join(pluginsDir, 'hello'));
    assert.deepEqual(listing(), ['hello']);
    assert.deepEqual(readdirSync(join(pluginsDir, 'hello')).sort(), ['index.js', 'package.json']);
    assert.deepEqual(events, [{ type: 'plugin.installed', data: { plugin: 'hello', version: '1.0.0', previousVersion: null, permissions: ['http', 'http:public'], ...WHO } }]);
  });

  it('refuses a second install of the same id (409 PLUGIN_ALREADY_INSTALLED) and updates it on request, keeping its data', () => {
    installer.installArchive(pluginTgz('hello'), WHO);
    mkdirSync(join(dataDir, 'plugin-data', 'hello'), { recursive: true });
    writeFileSync(join(dataDir, 'plugin-data', 'hello', 'state.json'), '{}');
    assert.throws(() => installer.installArchive(pluginTgz('hello'), WHO), { code: 'PLUGIN_ALREADY_INSTALLED', message: /already installed; .*update/ });
    const r = installer.installArchive(pluginTgz('hello', {}, [{ path: 'package/NEW', data: Buffer.from('2') }], { version: '1.1.0' }), WHO, { update: true });
    assert.equal(r.previousVersion, '1.0.0');
    assert.ok(existsSync(join(pluginsDir, 'hello', 'NEW')));
    assert.ok(existsSync(join(dataDir, 'plugin-data', 'hello', 'state.json')), 'the update kept the data');
    assert.deepEqual(listing(), ['hello']);
    assert.throws(() => installer.installArchive(pluginTgz('other'), WHO, { update: true }), { code: 'NOT_FOUND' });
  });

  it('refuses, writing nothing: a first-party id, an API it cannot serve, a missing dependency, an unknown permission, a bad manifest, a missing main, a bundled SDK', () => {
    const cases: Array<[Buffer, string, RegExp]> = [
      [pluginTgz('rtmp'), 'PLUGIN_BUILTIN', /taken by a first-party plugin/],
      [pluginTgz('future', { apiVersion: '^2.0.0' }), 'PLUGIN_API_MISMATCH', /needs plugin API \^2.0.0; this box provides 1.2.0/],
      [pluginTgz('needy', { dependsOn: ['rtmp', 'absent'] }), 'PLUGIN_DEPENDENCY_MISSING', /depends on absent, which is not installed/],
      [pluginTgz('greedy', { permissions: ['http', 'root:shell'] }), 'PLUGIN_MANIFEST_INVALID', /unknown permission "root:shell"; known: http/],
      [pluginTgz('Bad_Id'), 'PLUGIN_MANIFEST_INVALID', /xlive.id must match pattern/],
      [pluginTgz('typo', { configSchema: { type: 'object', properties: { a: { type: 'string', defualt: 'x' } } } }), 'PLUGIN_CONFIG_SCHEMA_INVALID', /unknown keyword "defualt"/],
      [pluginTgz('nomain', {}, [], { main: 'dist/index.js' }), 'PLUGIN_MANIFEST_INVALID', /no dist\/index.js \("main"/],
      [pluginTgz('own-sdk', {}, [{ path: 'package/node_modules/xlive/package.json', data: Buffer.from('{"name":"xlive"}') }]), 'PLUGIN_SDK_BUNDLED', /ships its own copy of the SDK \(node_modules\/xlive\).*devDependencies/],
      [gzipSync(Buffer.concat([pluginTar('x').subarray(0, 512), Buffer.from('not json')])), 'PLUGIN_PACKAGE_INVALID', /truncated/],
    ];
    for (const [tgz, code, message] of cases) {
      assert.throws(() => installer.installArchive(tgz, WHO), (err: unknown) => {
        assert.equal((err as { code: string }).code, code, String(err));
        assert.match((err as Error).message, message);
        return true;
      });
      assert.deepEqual(listing(), [], `nothing left in the plugins directory after ${code}`);
    }
    assert.deepEqual(events, []);
  });

  it('leaves nothing behind for hostile archives (traversal, symlink, wrong-arch native module)', () => {
    const outside = join(root, 'escaped');
    const hostile = [
      pluginTgz('evil', {}, [{ path: `package/../../${'escaped'}`, data: Buffer.from('x') }]),
      gzipSync(retype(pluginTar('evil', {}, [{ path: 'package/link', data: Buffer.alloc(0) }]), 2, '2', '/etc/passwd')),
      pluginTgz('evil', {}, [{ path: 'package/addon.node', data: elfObject(elfMachines().other) }]),
    ];
    for (const tgz of hostile) assert.throws(() => installer.installArchive(tgz, WHO), /PLUGIN_|archive entry|native module/);
    assert.deepEqual(listing(), []);
    assert.equal(existsSync(outside), false);
  });

  it('installs from a built folder, refusing a folder that holds a symbolic link', () => {
    const src = join(root, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'package.json'), manifestJson('folder'));
    writeFileSync(join(src, 'index.js'), 'export default {}');
    mkdirSync(join(src, '.git'));
    writeFileSync(join(src, '.git', 'HEAD'), 'x');
    symlinkSync('/etc/passwd', join(src, 'passwd'));
    assert.throws(() => installer.installDirectory(src, WHO), { code: 'PLUGIN_PACKAGE_INVALID', message: /passwd in .* is a symbolic link/ });
    assert.deepEqual(listing(), []);
    rmSync(join(src, 'passwd'));
    installer.installDirectory(src, WHO);
    assert.deepEqual(readdirSync(join(pluginsDir, 'folder')).sort(), ['index.js', 'package.json'], '.git is left out');
  });

  it('uninstalls: code gone, state and consent forgotten, data kept unless purged; first-party plugins and dependencies refused', async () => {
    installer.installArchive(pluginTgz('hello'), WHO);
    installer.installArchive(pluginTgz('fan', { dependsOn: ['hello'] }), WHO);
    mkdirSync(join(dataDir, 'plugin-data', 'hello'), { recursive: true });
    await assert.rejects(() => installer.uninstall('rtmp', WHO), { code: 'PLUGIN_BUILTIN', message: /first-party plugin .* cannot be uninstalled; disable it instead/ });
    await assert.rejects(() => installer.uninstall('hello', WHO), { code: 'CONFLICT', message: /fan depends on it/ });
    await assert.rejects(() => installer.uninstall('nope', WHO), { code: 'NOT_FOUND' });
    await assert.rejects(() => installer.uninstall('../data', WHO), { code: 'NOT_FOUND' });
    await installer.uninstall('fan', WHO);
    await installer.uninstall('hello', WHO);
    assert.deepEqual(listing(), []);
    assert.ok(existsSync(join(dataDir, 'plugin-data', 'hello')), 'data kept without purge');
    assert.deepEqual(forgotten, ['fan', 'hello']);
    installer.installArchive(pluginTgz('hello'), WHO);
    const r = await installer.uninstall('hello', WHO, { purge: true });
    assert.deepEqual(r, { id: 'hello', version: '1.0.0', purged: true });
    assert.equal(existsSync(join(dataDir, 'plugin-data', 'hello')), false);
    assert.deepEqual(events.filter((e) => e.type === 'plugin.uninstalled').map((e) => [e.data['plugin'], e.data['purged']]), [
      ['fan', false],
      ['hello', false],
      ['hello', true],
    ]);
  });

  it('cleanStaging removes what an interrupted install left', () => {
    mkdirSync(join(pluginsDir, '.staging', 'hello-abc'), { recursive: true });
    writeFileSync(join(pluginsDir, '.staging', 'hello-abc', 'package.json'), manifestJson('hello'));
    installer.cleanStaging();
    assert.deepEqual(listing(), []);
    assert.equal(readFileSync(join(builtin, 'rtmp', 'package.json'), 'utf8').includes('rtmp'), true);
  });
});
