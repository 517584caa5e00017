import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors/xlive-error.js';
import { loadConfig } from './config-loader.js';

type Files = Record<string, string>;
const fs = (files: Files) => (p: string) => files[p];
const load = (files: Files = {}, env: Record<string, string | undefined> = {}, settings?: Record<string, unknown>) =>
  loadConfig({ cwd: '/srv', env, settings, readFile: fs(files) });

/** Run `fn`, expect a ConfigError, return it. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the built-in defaults with absolute paths when nothing is configured', () => {
    const c = load();
    assert.deepEqual(c.values, {
      dataDir: '/srv/data',
      runtimeDir: '/srv/data/run',
      pluginsDir: '/srv/data/plugins',
      http: {
        host: '0.0.0.0',
        port: 8080,
        bodyLimitBytes: 1048576,
        requestTimeoutMs: 30000,
        trustProxy: false,
        publicNames: [],
        rateLimits: { apiPerIpPerMinute: 600, apiPerTokenPerMinute: 1200, mediaPerIpPerMinute: 30000 },
      },
      log: { level: 'info', format: 'text', ringLines: 5000, ringBytes: 2097152 },
      streams: {
        gopCacheBytes: 8388608,
        readerQueueBytes: 4194304,
        readerQueueMs: 5000,
        slowReaderGraceMs: 10000,
        maxStreams: 64,
        takeover: false,
      },
      plugins: {},
      pluginHost: { startTimeoutMs: 10000, stopTimeoutMs: 5000, disable: [], faultLimit: 10, faultWindowMs: 60000, slowCallbackMs: 200, maxPackageBytes: 67108864, maxPackageUnpackedBytes: 268435456, maxPackageEntries: 10000 },
      events: { maxEvents: 10000 },
      auth: { labMode: false },
      connections: {
        fileHeadroom: 4096,
        http: { maxTotal: 4096, maxIdleTotal: 1024, maxPerIp: 1000, maxIdlePerIp: 128, reserved: 64 },
        listeners: { maxTotal: 1024, maxIdleTotal: 128, maxPerIp: 500, maxIdlePerIp: 16, reserved: 16 },
      },
      backup: { maxBytes: 268435456 },
      update: { stateDir: '', maxUploadBytes: 268435456, readyTimeoutMs: 180000, settleMs: 10000 },
      box: { stateDir: '' },
      stats: { intervalMs: 10000, windowMs: 900000 },
      shutdownTimeoutMs: 10000,
    });
    assert.deepEqual(c.layers, [{ name: 'defaults', source: 'built-in' }]);
    assert.deepEqual(c.warnings, []);
    assert.equal(c.origin('http.port'), 'defaults');
  });

  it('deep-freezes the values', () => {
    const c = load({ '/srv/config/local.json': '{"plugins":{"rtmp":{"list":[1]}}}' });
    assert.ok(Object.isFrozen(c.values) && Object.isFrozen(c.values.http) && Object.isFrozen(c.values.plugins['rtmp']!['list']));
    assert.throws(() => {
      (c.values.http as { port: number }).port = 1;
    }, TypeError);
  });

  it('lets each layer override the one below it', () => {
    const files = {
      '/srv/config/default.json': '{"http":{"port":1,"host":"a"},"log":{"level":"warn"},"shutdownTimeoutMs":1}',
      '/srv/config/production.json': '{"http":{"port":2},"log":{"level":"error"},"streams":{"maxStreams":2}}',
      '/srv/config/local.json': '{"http":{"port":3},"streams":{"maxStreams":3,"takeover":true}}',
    };
    const env = { XLIVE_ENV: 'production', XLIVE_HTTP_PORT: '5' };
    const c = load(files, env, { http: { port: 4 }, streams: { takeover: false }, pluginHost: { stopTimeoutMs: 4 } });
    assert.equal(c.values.http.port, 5);
    assert.equal(c.values.http.host, 'a');
    assert.equal(c.values.log.level, 'error');
    assert.equal(c.values.streams.maxStreams, 3);
    assert.equal(c.values.streams.takeover, false);
    assert.equal(c.values.pluginHost.stopTimeoutMs, 4);
    assert.equal(c.values.shutdownTimeoutMs, 1);
    assert.deepEqual(c.layers, [
      { name: 'defaults', source: 'built-in' },
      { name: 'default', source: '/srv/config/default.json' },
      { name: 'production', source: '/srv/config/production.json' },
      { name: 'local', source: '/srv/config/local.json' },
      { name: 'settings', source: 'settings' },
      { name: 'env', source: 'environment' },
    ]);
    assert.equal(c.origin('http.port'), 'env XLIVE_HTTP_PORT');
    assert.equal(c.origin('http.host'), 'default /srv/config/default.json');
    assert.equal(c.origin('log.level'), 'production /srv/config/production.json');
    assert.equal(c.origin('streams.maxStreams'), 'local /srv/config/local.json');
    assert.equal(c.origin('streams.takeover'), 'settings');
    assert.equal(c.origin('log.format'), 'defaults');
    // A section reports its highest-priority contributor.
    assert.equal(c.origin('http'), 'env XLIVE_HTTP_PORT');
    assert.equal(c.origin('streams'), 'settings');
  });

  it('reads the XLIVE_ENV file only when XLIVE_ENV is set, from XLIVE_CONFIG_DIR', () => {
    const files = { '/etc/xlive/default.json': '{"http":{"port":1}}', '/etc/xlive/staging.json': '{"http":{"port":2}}' };
    assert.equal(load(files, { XLIVE_CONFIG_DIR: '/etc/xlive' }).values.http.port, 1);
    assert.equal(load(files, { XLIVE_CONFIG_DIR: '/etc/xlive', XLIVE_ENV: 'staging' }).values.http.port, 2);
    assert.equal(load({ '/srv/etc/default.json': '{"http":{"port":7}}' }, { XLIVE_CONFIG_DIR: 'etc' }).values.http.port, 7);
    const e = configError(() => load({}, { XLIVE_ENV: '../secrets' }));
    assert.match(e.message, /XLIVE_ENV = "\.\.\/secrets"/);
  });

  it('resolves paths against cwd and derives runtimeDir and pluginsDir from dataDir', () => {
    const c = load({ '/srv/config/local.json': '{"dataDir":"var/x"}' });
    assert.equal(c.values.dataDir, '/srv/var/x');
    assert.equal(c.values.runtimeDir, '/srv/var/x/run');
    assert.equal(c.values.pluginsDir, '/srv/var/x/plugins');
    const d = load({}, { XLIVE_DATA_DIR: '/var/lib/xlive', XLIVE_RUNTIME_DIR: '/run/xlive', XLIVE_PLUGINS_DIR: 'p' });
    assert.deepEqual([d.values.dataDir, d.values.runtimeDir, d.values.pluginsDir], ['/var/lib/xlive', '/run/xlive', '/srv/p']);
  });

  it('maps the required environment variables', () => {
    const c = load({}, {
      XLIVE_HTTP_PORT: '9000',
      XLIVE_HTTP_HOST: '127.0.0.1',
      XLIVE_LOG_LEVEL: 'debug',
      XLIVE_LOG_FORMAT: 'json',
      XLIVE_DATA_DIR: '/d',
      XLIVE_STREAMS_GOP_CACHE_BYTES: '0',
      XLIVE_HTTP_TRUST_PROXY: 'true',
    });
    assert.equal(c.values.http.port, 9000);
    assert.equal(c.values.http.host, '127.0.0.1');
    assert.equal(c.values.log.level, 'debug');
    assert.equal(c.values.log.format, 'json');
    assert.equal(c.values.dataDir, '/d');
    assert.equal(c.values.streams.gopCacheBytes, 0);
    assert.equal(c.values.http.trustProxy, true);
    assert.equal(c.origin('dataDir'), 'env XLIVE_DATA_DIR');
  });

  it('reports invalid values naming key, value and layer', () => {
    const e = configError(() => load({}, { XLIVE_HTTP_PORT: '80a' }));
    assert.equal(e.message, 'config: http.port = "80a" (from env XLIVE_HTTP_PORT) must be integer');
    assert.deepEqual(
      { key: e.details?.['key'], value: e.details?.['value'], layer: e.details?.['layer'] },
      { key: 'http.port', value: '80a', layer: 'env XLIVE_HTTP_PORT' },
    );
    const range = configError(() => load({ '/srv/config/local.json': '{"http":{"port":70000}}' }));
    assert.equal(range.message, 'config: http.port = 70000 (from local /srv/config/local.json) must be <= 65535');
    const level = configError(() => load({}, {}, { log: { level: 'loud' } }));
    assert.match(level.message, /^config: log\.level = "loud" \(from settings\) must be one of "debug", "info"/);
    const type = configError(() => load({ '/srv/config/default.json': '{"http":{"host":5}}' }));
    assert.equal(type.message, 'config: http.host = 5 (from default /srv/config/default.json) must be string');
    const section = configError(() => load({ '/srv/config/local.json': '{"plugins":{"rtmp":3}}' }));
    assert.equal(section.message, 'config: plugins.rtmp = 3 (from local /srv/config/local.json) must be object');
  });

  it('lists every invalid value at once', () => {
    const e = configError(() => load({}, { XLIVE_HTTP_PORT: 'x', XLIVE_LOG_FORMAT: 'xml', XLIVE_SHUTDOWN_TIMEOUT_MS: '-1' }));
    const errors = e.details?.['errors'] as Array<{ key: string }>;
    assert.deepEqual(errors.map((x) => x.key).sort(), ['http.port', 'log.format', 'shutdownTimeoutMs']);
  });

  it('rejects unknown keys in core sections, suggesting the closest key', () => {
    const e = configError(() => load({ '/srv/config/local.json': '{"http":{"prot":8080}}' }));
    assert.equal(e.message, 'config: http.prot = 8080 (from local /srv/config/local.json) is not a known key (did you mean port?)');
    const top = configError(() => load({ '/srv/config/default.json': '{"htttp":{}}' }));
    assert.match(top.message, /^config: htttp = \{\} \(from default \/srv\/config\/default.json\) is not a known key \(did you mean http\?\)/);
    // Plugin sections are free-form until their own schema checks them.
    assert.deepEqual(load({ '/srv/config/local.json': '{"plugins":{"rtmp":{"anything":1}}}' }).values.plugins, { rtmp: { anything: 1 } });
    const badId = configError(() => load({ '/srv/config/local.json': '{"plugins":{"Bad_Id":{}}}' }));
    assert.match(badId.message, /plugins\.Bad_Id .* is not a valid name/);
  });

  it('names the file, line and column of malformed JSON', () => {
    const text = '{\n  "http": {\n    "port": 1\n    "host": "x"\n  }\n}';
    const e = configError(() => load({ '/srv/config/local.json': text }));
    assert.match(e.message, /^config: malformed JSON in \/srv\/config\/local.json at line 4, column 5: /);
    assert.deepEqual(e.details, { file: '/srv/config/local.json', line: 4, column: 5 });
    const trailing = configError(() => load({ '/srv/config/default.json': '{"a": }' }));
    assert.match(trailing.message, /default\.json at line 1, column 7: Unexpected token/);
    const notObject = configError(() => load({ '/srv/config/default.json': '[1]' }));
    assert.equal(notObject.message, 'config: /srv/config/default.json must contain a JSON object');
    assert.equal(load({ '/srv/config/default.json': '\ufeff{"http":{"port":2}}' }).values.http.port, 2);
  });

  it('reports unreadable and oversized files as ConfigError', () => {
    const unreadable = configError(() =>
      loadConfig({ cwd: '/srv', env: {}, readFile: () => { throw new Error('EACCES: permission denied'); } }),
    );
    assert.match(unreadable.message, /cannot read \/srv\/config\/default.json: EACCES/);
    const huge = configError(() => load({ '/srv/config/local.json': ' '.repeat(1024 * 1024 + 1) }));
    assert.match(huge.message, /local\.json is larger than/);
  });

  it('refuses prototype keys and absurd nesting', () => {
    const proto = configError(() => load({ '/srv/config/local.json': '{"plugins":{"x":{"__proto__":{"polluted":1}}}}' }));
    assert.match(proto.message, /plugins\.x\.__proto__ .* is not an allowed key/);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    const deep = configError(() => load({ '/srv/config/local.json': `{"plugins":{"x":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}}` }));
    assert.match(deep.message, /nested deeper than/);
  });

  it('keeps the settings layer away from paths and unknown keys, with warnings', () => {
    const c = load({}, {}, { dataDir: '/evil', 'runtimeDir': '/r', 'http.port': 8081, obsolete: { x: 1 }, http: { gone: 1 } });
    assert.equal(c.values.dataDir, '/srv/data');
    assert.equal(c.values.runtimeDir, '/srv/data/run');
    assert.equal(c.values.http.port, 8081);
    assert.deepEqual(c.warnings, [
      'settings: dataDir is ignored (paths are set only by files and the environment)',
      'settings: runtimeDir is ignored (paths are set only by files and the environment)',
      'settings: http.gone is not a known key (ignored)',
      'settings: obsolete is not a known key (ignored)',
    ]);
    assert.equal(c.origin('http.port'), 'settings');
  });

  it('refuses auth lab mode from the settings layer, in either spelling; files and env may set it', () => {
    for (const settings of [{ 'auth.labMode': true }, { auth: { labMode: true } }]) {
      const c = load({}, {}, settings);
      assert.equal(c.values.auth.labMode, false);
      assert.equal(c.warnings.length, 1);
      assert.match(c.warnings[0]!, /^settings: auth\.labMode is REFUSED: auth lab mode is chosen only on the console/);
    }
    assert.equal(load({}, { XLIVE_AUTH_LAB_MODE: '1' }, { 'auth.labMode': false }).values.auth.labMode, true);
    const file = load({ '/srv/config/local.json': '{"auth":{"labMode":true}}' });
    assert.equal(file.values.auth.labMode, true);
    assert.match(file.origin('auth.labMode'), /local/);
  });

  it('refuses pluginHost.disable from the settings layer, in either spelling; keeps the rest of the section', () => {
    for (const settings of [{ 'pluginHost.disable': ['auth-local'] }, { pluginHost: { disable: ['auth-local'], faultLimit: 5 } }]) {
      const c = load({}, {}, settings);
      assert.deepEqual(c.values.pluginHost.disable, []);
      assert.deepEqual(c.warnings, ['settings: pluginHost.disable is REFUSED: it is set only on the console (a config file or the environment), never through the API']);
    }
    assert.equal(load({}, {}, { pluginHost: { disable: ['auth-local'], faultLimit: 5 } }).values.pluginHost.faultLimit, 5);
    assert.deepEqual(load({ '/srv/config/local.json': '{"pluginHost":{"disable":["hls"]}}' }).values.pluginHost.disable, ['hls']);
  });

  it('ignores an XLIVE_ENV naming a file that is read anyway, with a warning', () => {
    const c = load({ '/srv/config/local.json': '{}' }, { XLIVE_ENV: 'local' });
    assert.deepEqual(c.layers.map((l) => l.name), ['defaults', 'local']);
    assert.deepEqual(c.warnings, ['XLIVE_ENV=local names a file read anyway (ignored)']);
  });

  it('reads the real file system by default, missing files being fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-config-'));
    try {
      assert.equal(loadConfig({ cwd: dir, env: {} }).values.http.port, 8080);
      mkdirSync(join(dir, 'config'));
      writeFileSync(join(dir, 'config', 'local.json'), '{"http":{"port":8181}}');
      const c = loadConfig({ cwd: dir, env: {} });
      assert.equal(c.values.http.port, 8181);
      assert.equal(c.origin('http.port'), `local ${join(dir, 'config', 'local.json')}`);
      assert.equal(c.values.dataDir, join(dir, 'data'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives seeded random env values without crashing: valid config or ConfigError', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pool = ['0', '-1', '1e3', '8080', 'true', 'nope', '', '{"a":1}', '[]', 'null', '65536', ' 7 ', '\u0000', 'x'.repeat(300)];
    const vars = ['XLIVE_HTTP_PORT', 'XLIVE_HTTP', 'XLIVE_LOG_LEVEL', 'XLIVE_STREAMS_TAKEOVER', 'XLIVE_DATA_DIR', 'XLIVE_STREAMS'];
    for (let n = 0; n < 120; n++) {
      const env: Record<string, string> = {};
      for (const v of vars) if (rnd() < 0.5) env[v] = pool[Math.floor(rnd() * pool.length)]!;
      try {
        const c = load({}, env);
        assert.ok(Number.isInteger(c.values.http.port));
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
      }
    }
  });
});
