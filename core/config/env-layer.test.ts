import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreSchema } from './core-schema.js';
import { coerceEnvValue } from './env-coerce.js';
import { envNameOf, readCoreEnv, readPluginEnv, unusedEnvWarnings } from './env-layer.js';
import { toUpperSnake } from './key-path.js';
import { schemaKeysBySnakeName } from './schema-keys.js';

const flvSchema = { type: 'object', properties: { maxViewers: { type: 'integer' }, path: { type: 'string' } } };
const rtmpSchema = {
  type: 'object',
  properties: { port: { type: 'integer' }, host: { type: 'string' }, tls: { type: 'object', properties: { cert: { type: 'string' } } } },
};

function patchesOf(env: Record<string, string>) {
  return readCoreEnv(env, coreSchema).patches.map((p) => [p.origin, p.data]);
}

describe('env layer', () => {
  it('maps the required variables to core keys', () => {
    assert.deepEqual(
      patchesOf({
        XLIVE_HTTP_PORT: '8081',
        XLIVE_HTTP_HOST: '127.0.0.1',
        XLIVE_LOG_LEVEL: 'debug',
        XLIVE_LOG_FORMAT: 'json',
        XLIVE_DATA_DIR: '/var/lib/xlive',
        XLIVE_STREAMS_GOP_CACHE_BYTES: '1024',
      }),
      [
        ['env XLIVE_DATA_DIR', { dataDir: '/var/lib/xlive' }],
        ['env XLIVE_HTTP_HOST', { http: { host: '127.0.0.1' } }],
        ['env XLIVE_HTTP_PORT', { http: { port: 8081 } }],
        ['env XLIVE_LOG_FORMAT', { log: { format: 'json' } }],
        ['env XLIVE_LOG_LEVEL', { log: { level: 'debug' } }],
        ['env XLIVE_STREAMS_GOP_CACHE_BYTES', { streams: { gopCacheBytes: 1024 } }],
      ],
    );
  });

  it('applies section JSON before single keys, and ignores reserved and foreign variables', () => {
    const r = readCoreEnv(
      {
        XLIVE_HTTP_PORT: '1',
        XLIVE_HTTP: '{"port":2,"host":"h"}',
        XLIVE_ENV: 'production',
        XLIVE_CONFIG_DIR: '/etc/xlive',
        XLIVE_PORTS_FILE: '/tmp/p',
        PATH: '/bin',
        xlive_http_port: '3',
        XLIVE_UNSET: undefined as unknown as string,
      },
      coreSchema,
    );
    assert.deepEqual(
      r.patches.map((p) => p.origin),
      ['env XLIVE_HTTP', 'env XLIVE_HTTP_PORT'],
    );
    assert.deepEqual(r.pluginCandidates, []);
  });

  it('coerces by schema type and keeps text that does not fit for validation to report', () => {
    assert.equal(coerceEnvValue('42', { type: 'integer' }), 42);
    assert.equal(coerceEnvValue('80a', { type: 'integer' }), '80a');
    assert.equal(coerceEnvValue('1.5', { type: 'integer' }), '1.5');
    assert.equal(coerceEnvValue('9007199254740993', { type: 'integer' }), '9007199254740993');
    assert.equal(coerceEnvValue('-1.5e3', { type: 'number' }), -1500);
    assert.equal(coerceEnvValue('', { type: 'number' }), '');
    for (const t of ['true', 'TRUE', '1', 'yes', 'on']) assert.equal(coerceEnvValue(t, { type: 'boolean' }), true);
    for (const f of ['false', '0', 'no', 'Off']) assert.equal(coerceEnvValue(f, { type: 'boolean' }), false);
    assert.equal(coerceEnvValue('maybe', { type: 'boolean' }), 'maybe');
    assert.equal(coerceEnvValue(' 007 ', { type: 'string' }), ' 007 ');
    assert.deepEqual(coerceEnvValue('{"a":1}', { type: 'object' }), { a: 1 });
    assert.equal(coerceEnvValue('[1]', { type: 'object' }), '[1]');
    assert.deepEqual(coerceEnvValue('[1,"x"]', { type: 'array' }), [1, 'x']);
    assert.equal(coerceEnvValue('8080', { type: ['string', 'integer'] }), 8080);
    assert.equal(coerceEnvValue('null', { type: ['integer', 'null'] }), null);
    assert.equal(coerceEnvValue('12', {}), 12);
    assert.equal(coerceEnvValue('plain', {}), 'plain');
  });

  it('resolves plugin variables in short and long form, long form winning', () => {
    const env = {
      XLIVE_HTTP_FLV_MAX_VIEWERS: '10',
      XLIVE_PLUGINS__HTTP_FLV__MAX_VIEWERS: '20',
      XLIVE_HTTP_FLV_PATH: '/flv',
      XLIVE_RTMP_PORT: '1936',
      XLIVE_RTMP_TLS_CERT: '/c.pem',
      XLIVE_PLUGINS__RTMP__TLS__CERT: '/d.pem',
    };
    const { pluginCandidates } = readCoreEnv(env, coreSchema);
    assert.deepEqual(
      readPluginEnv(env, pluginCandidates, 'http-flv', flvSchema).map((p) => [p.origin, p.data]),
      [
        ['env XLIVE_HTTP_FLV_MAX_VIEWERS', { maxViewers: 10 }],
        ['env XLIVE_HTTP_FLV_PATH', { path: '/flv' }],
        ['env XLIVE_PLUGINS__HTTP_FLV__MAX_VIEWERS', { maxViewers: 20 }],
      ],
    );
    assert.deepEqual(
      readPluginEnv(env, pluginCandidates, 'rtmp', rtmpSchema).map((p) => [p.origin, p.data]),
      [
        ['env XLIVE_RTMP_PORT', { port: 1936 }],
        ['env XLIVE_RTMP_TLS_CERT', { tls: { cert: '/c.pem' } }],
        ['env XLIVE_PLUGINS__RTMP__TLS__CERT', { tls: { cert: '/d.pem' } }],
      ],
    );
  });

  it('lets core keys win over a plugin key with the same variable name', () => {
    const env = { XLIVE_HTTP_PORT: '81' };
    const { patches, pluginCandidates } = readCoreEnv(env, coreSchema);
    assert.equal(patches.length, 1);
    const httpPlugin = { type: 'object', properties: { port: { type: 'integer' } } };
    assert.deepEqual(readPluginEnv(env, pluginCandidates, 'http', httpPlugin), []);
  });

  it('reports variables that map to no core or plugin key', () => {
    const env = { XLIVE_HTP_PORT: '1', XLIVE_RTMP_PORT: '2', XLIVE_RTMP_PROT: '3', XLIVE_PLUGINS__HLS__X: '4', XLIVE_: '5' };
    const { pluginCandidates } = readCoreEnv(env, coreSchema);
    assert.deepEqual(unusedEnvWarnings(pluginCandidates, { rtmp: rtmpSchema }), [
      'env XLIVE_ matches no configuration key (ignored)',
      'env XLIVE_HTP_PORT matches no configuration key (ignored)',
      'env XLIVE_PLUGINS__HLS__X matches no configuration key (ignored)',
      'env XLIVE_RTMP_PROT matches no configuration key (ignored)',
    ]);
  });

  it('names every core key with the variable that sets it', () => {
    const names = [...schemaKeysBySnakeName(coreSchema, ['plugins']).values()].map((k) => envNameOf(k.path.join('.')));
    assert.ok(names.includes('XLIVE_STREAMS_SLOW_READER_GRACE_MS'));
    assert.ok(names.includes('XLIVE_PLUGIN_HOST_START_TIMEOUT_MS'));
    assert.ok(names.includes('XLIVE_SHUTDOWN_TIMEOUT_MS'));
    for (const n of names) assert.ok(readCoreEnv({ [n]: '1' }, coreSchema).patches.length === 1, n);
  });

  it('upper-snakes camelCase and kebab-case keys', () => {
    assert.equal(toUpperSnake('gopCacheBytes'), 'GOP_CACHE_BYTES');
    assert.equal(toUpperSnake('http-flv'), 'HTTP_FLV');
    assert.equal(toUpperSnake('h264Profile'), 'H264_PROFILE');
    assert.equal(toUpperSnake('trustProxy'), 'TRUST_PROXY');
    assert.equal(toUpperSnake('baseURLPath'), 'BASE_URL_PATH');
  });
});
