import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors/xlive-error.js';
import { loadConfig } from './config-loader.js';

const files: Record<string, string> = {
  '/srv/config/default.json': JSON.stringify({ plugins: { rtmp: { port: 1936, chunkSize: 4096 }, hls: { window: 5 } } }),
  '/srv/config/local.json': JSON.stringify({ http: { port: 9000 }, plugins: { rtmp: { chunkSize: 8192 } } }),
};
const load = (env: Record<string, string> = {}, settings?: Record<string, unknown>) =>
  loadConfig({ cwd: '/srv', env, settings, readFile: (p) => files[p] });

const rtmpSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 1935 },
    chunkSize: { type: 'integer', default: 128 },
    host: { type: 'string', default: '0.0.0.0' },
    publishKey: { type: 'string' },
  },
};
const flvSchema = {
  type: 'object',
  properties: { maxViewers: { type: 'integer', default: 100 }, cors: { type: 'boolean', default: true } },
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('LoadedConfig.pluginSection', () => {
  it('merges file, settings and env layers over the schema defaults, frozen', () => {
    const c = load({ XLIVE_RTMP_HOST: '127.0.0.1' }, { plugins: { rtmp: { port: 1937 } } });
    const s = c.pluginSection('rtmp', rtmpSchema);
    assert.deepEqual(s, { port: 1937, chunkSize: 8192, host: '127.0.0.1' });
    assert.ok(Object.isFrozen(s));
    assert.equal(c.origin('plugins.rtmp.port'), 'settings');
    assert.equal(c.origin('plugins.rtmp.chunkSize'), 'local /srv/config/local.json');
    assert.equal(c.origin('plugins.rtmp.host'), 'env XLIVE_RTMP_HOST');
    // The raw section in values holds files and settings only: no env, no defaults.
    assert.deepEqual(c.values.plugins['rtmp'], { port: 1937, chunkSize: 8192 });
  });

  it('applies defaults to a plugin with no configuration at all', () => {
    const c = load();
    assert.deepEqual(c.pluginSection('http-flv', flvSchema), { maxViewers: 100, cors: true });
    assert.equal(c.origin('plugins.http-flv.maxViewers'), 'defaults');
  });

  it('reads both env forms for kebab-case ids, the long form winning', () => {
    const short = load({ XLIVE_HTTP_FLV_MAX_VIEWERS: '7', XLIVE_HTTP_FLV_CORS: 'false' });
    assert.deepEqual(short.pluginSection('http-flv', flvSchema), { maxViewers: 7, cors: false });
    const both = load({ XLIVE_HTTP_FLV_MAX_VIEWERS: '7', XLIVE_PLUGINS__HTTP_FLV__MAX_VIEWERS: '9' });
    assert.deepEqual(both.pluginSection('http-flv', flvSchema), { maxViewers: 9, cors: true });
    assert.equal(both.origin('plugins.http-flv.maxViewers'), 'env XLIVE_PLUGINS__HTTP_FLV__MAX_VIEWERS');
  });

  it('throws ConfigError naming key, value and layer for an invalid plugin value', () => {
    const c = load({ XLIVE_RTMP_PORT: '19a5' });
    const e = configError(() => c.pluginSection('rtmp', rtmpSchema));
    assert.equal(e.message, 'config: plugins.rtmp.port = "19a5" (from env XLIVE_RTMP_PORT) must be integer');
    assert.equal(e.details?.['layer'], 'env XLIVE_RTMP_PORT');
    const unknown = configError(() => load({}, { plugins: { rtmp: { chunksize: 1 } } }).pluginSection('rtmp', rtmpSchema));
    assert.equal(unknown.message, 'config: plugins.rtmp.chunksize = 1 (from settings) is not a known key (did you mean chunkSize?)');
    const required = configError(() => load().pluginSection('hls', { type: 'object', required: ['dir'] }));
    assert.equal(required.message, 'config: plugins.hls.dir = undefined (from defaults) is required');
  });

  it('masks secret-looking values in errors and listings', () => {
    const c = load({}, { plugins: { rtmp: { publishKey: 42 } } });
    const e = configError(() => c.pluginSection('rtmp', rtmpSchema));
    assert.equal(e.message, 'config: plugins.rtmp.publishKey = "***" (from settings) must be string');
    assert.equal(e.details?.['value'], '***');
    const ok = load({}, { plugins: { rtmp: { publishKey: 'hunter2' } } });
    ok.pluginSection('rtmp', rtmpSchema);
    assert.match(ok.describe(), /plugins\.rtmp\.publishKey = "\*\*\*" +\(settings\)/);
    assert.doesNotMatch(ok.describe(), /hunter2/);
  });

  it('refuses bad plugin ids and invalid schemas with ConfigError', () => {
    const c = load();
    assert.match(configError(() => c.pluginSection('Bad_Id', {})).message, /kebab-case/);
    assert.match(configError(() => c.pluginSection('x', { type: 'nope' })).message, /plugin x has an invalid schema/);
  });
});

describe('LoadedConfig.describe', () => {
  it('lists one aligned line per leaf with its layer, plugin sections included', () => {
    const c = load({ XLIVE_HTTP_HOST: '127.0.0.1', XLIVE_RTMP_HOST: '::' });
    c.pluginSection('rtmp', rtmpSchema);
    const lines = c.describe().split('\n');
    const width = lines[0]!.indexOf('(');
    for (const l of lines) assert.equal(l.indexOf('('), width, l);
    const norm = lines.map((l) => l.replace(/ {3,}/, '   '));
    assert.deepEqual(norm.slice(0, 5), [
      'dataDir = "/srv/data"   (defaults)',
      'runtimeDir = "/srv/data/run"   (defaults)',
      'pluginsDir = "/srv/data/plugins"   (defaults)',
      'http.host = "127.0.0.1"   (env XLIVE_HTTP_HOST)',
      'http.port = 9000   (local /srv/config/local.json)',
    ]);
    assert.ok(norm.includes('shutdownTimeoutMs = 10000   (defaults)'));
    // Unresolved sections show their raw file values; resolved ones their effective values.
    assert.ok(norm.includes('plugins.hls.window = 5   (default /srv/config/default.json)'));
    assert.ok(norm.includes('plugins.rtmp.port = 1936   (default /srv/config/default.json)'));
    assert.ok(norm.includes('plugins.rtmp.chunkSize = 8192   (local /srv/config/local.json)'));
    assert.ok(norm.includes('plugins.rtmp.host = "::"   (env XLIVE_RTMP_HOST)'));
    const leafCount = 19 + 3 /* http.rateLimits */ + 1 /* http.publicNames */ + 1 /* pluginHost.disable */ + 3 /* pluginHost fault limits */ + 3 /* pluginHost.maxPackage* */ + 1 /* events.maxEvents */ + 1 /* auth.labMode */ + 1 + 3 + 11 /* connections */ + 2 /* log.ringLines, log.ringBytes */ + 1 /* backup.maxBytes */ + 4 /* update.* */ + 1 /* box.stateDir */ + 2 /* stats.* */;
    assert.equal(lines.length, leafCount);
  });

  it('shows an empty plugin section as one line', () => {
    const c = loadConfig({ cwd: '/srv', env: {}, readFile: (p) => (p.endsWith('local.json') ? '{"plugins":{"tap":{}}}' : undefined) });
    assert.ok(c.describe().split('\n').some((l) => /^plugins\.tap = \{\} +\(local \/srv\/config\/local\.json\)$/.test(l)));
  });
});

describe('LoadedConfig.envWarnings', () => {
  it('reports XLIVE_* variables that no core or plugin key uses', () => {
    const c = load({ XLIVE_HTTP_PORT: '1', XLIVE_RTMP_PORT: '2', XLIVE_RTMP_PROT: '3', XLIVE_PORTS_FILE: '/p' });
    assert.deepEqual(c.envWarnings({ rtmp: rtmpSchema }), ['env XLIVE_RTMP_PROT matches no configuration key (ignored)']);
    assert.deepEqual(c.warnings, []);
  });
});
