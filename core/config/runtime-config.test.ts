import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ConfigLockedError, ValidationError } from '../errors/xlive-error.js';
import { loadConfig } from './config-loader.js';
import { isPlainObject, setPath } from './key-path.js';
import { RuntimeConfig, type RuntimeConfigDeps } from './runtime-config.js';

const HLS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    windowSize: { type: 'integer', minimum: 2, default: 6 },
    storage: { type: 'string' },
    apiToken: { type: 'string' },
  },
};

interface Harness {
  rc: RuntimeConfig;
  saved: Record<string, unknown>;
  offered: Array<[string, Record<string, unknown>]>;
}

function harness(opts: { env?: Record<string, string>; files?: Record<string, string>; plugin?: RuntimeConfigDeps['reconfigurePlugin']; core?: RuntimeConfigDeps['applyCore'] } = {}): Harness {
  const env = opts.env ?? {};
  const readFile = (p: string) => opts.files?.[p];
  const saved: Record<string, unknown> = {};
  const offered: Array<[string, Record<string, unknown>]> = [];
  const load = (settings: Record<string, unknown>) => loadConfig({ cwd: '/srv', env, settings, readFile });
  const rc = new RuntimeConfig({
    initial: load({}),
    load,
    readSettings: () => structuredClone(saved),
    saveSettings: (changes) => {
      for (const [k, v] of changes) {
        if (v === null) {
          const segs = k.split('.');
          const parent = segs.slice(0, -1).reduce<unknown>((t, s) => (isPlainObject(t) ? t[s] : undefined), saved);
          if (isPlainObject(parent)) delete parent[segs[segs.length - 1]!];
        } else setPath(saved, k.split('.'), v);
      }
    },
    pluginSchemas: () => ({ hls: HLS_SCHEMA }),
    reconfigurePlugin: async (id, next, prev) => {
      offered.push([id, { ...next }]);
      return opts.plugin ? opts.plugin(id, next, prev) : [];
    },
    ...(opts.core ? { applyCore: opts.core } : {}),
  });
  return { rc, saved, offered };
}

async function rejects<T extends Error>(p: Promise<unknown>, type: new (...a: never[]) => T): Promise<T> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return err as T;
  }
  assert.fail(`expected ${type.name}`);
}

describe('RuntimeConfig', () => {
  it('saves a valid change in the settings layer and reports its layer and how it applied', async () => {
    const h = harness();
    const done = await h.rc.change({ 'plugins.hls.windowSize': 4, 'log.level': 'debug' });
    assert.deepEqual(done, [
      { key: 'plugins.hls.windowSize', value: 4, layer: 'settings', applied: 'live' },
      { key: 'log.level', value: 'debug', layer: 'settings', applied: 'restart' },
    ]);
    assert.deepEqual(h.saved, { plugins: { hls: { windowSize: 4 } }, log: { level: 'debug' } });
    assert.deepEqual(h.offered, [['hls', { windowSize: 4 }]]);
    assert.deepEqual(h.rc.view().pendingRestart, ['log.level']);
    assert.equal(h.rc.current().origin('plugins.hls.windowSize'), 'settings');
  });

  it('a key set by the environment is locked: ConfigLockedError listing it, nothing saved', async () => {
    const h = harness({ env: { XLIVE_HLS_WINDOW_SIZE: '8' } });
    const err = await rejects(h.rc.change({ 'plugins.hls.windowSize': 4, 'log.level': 'warn' }), ConfigLockedError);
    assert.deepEqual(err.details?.['locked'], [{ key: 'plugins.hls.windowSize', lockedBy: 'env XLIVE_HLS_WINDOW_SIZE' }]);
    assert.deepEqual(h.saved, {});
    assert.equal(h.rc.view().entries.find((e) => e.key === 'plugins.hls.windowSize')?.lockedBy, 'env XLIVE_HLS_WINDOW_SIZE');
  });

  it('a key set in a file is not locked: the settings layer ranks above it', async () => {
    const h = harness({ files: { '/srv/config/local.json': '{"plugins":{"hls":{"windowSize":9}}}' } });
    assert.match(h.rc.current().origin('plugins.hls.windowSize'), /^local /);
    const [c] = await h.rc.change({ 'plugins.hls.windowSize': 3 });
    assert.equal(c?.layer, 'settings');
    await h.rc.change({ 'plugins.hls.windowSize': null });
    assert.equal(h.rc.view().entries.find((e) => e.key === 'plugins.hls.windowSize')?.value, 9, 'removed: the file shows through');
  });

  it('console-only keys and paths are locked whatever the value looks like', async () => {
    const h = harness();
    for (const body of [{ 'auth.labMode': true }, { auth: { labMode: true } }, { 'pluginHost.disable': ['x'] }, { pluginHost: { disable: [] } }, { dataDir: '/tmp' }]) {
      const err = await rejects(h.rc.change(body), ConfigLockedError);
      assert.match(String((err.details?.['locked'] as Array<{ lockedBy: string }>)[0]?.lockedBy), /^(console-only|path)$/, JSON.stringify(body));
    }
    assert.deepEqual(h.saved, {});
  });

  it('invalid values and unknown keys are ValidationErrors naming key, value and rule; nothing saved or offered', async () => {
    const h = harness();
    const bad = await rejects(h.rc.change({ 'plugins.hls.windowSize': 1 }), ValidationError);
    assert.equal(bad.details?.['key'], 'plugins.hls.windowSize');
    assert.equal(bad.details?.['value'], 1);
    assert.equal(bad.details?.['rule'], 'must be >= 2');
    const core = await rejects(h.rc.change({ 'http.port': 'eighty' }), ValidationError);
    assert.equal(core.details?.['key'], 'http.port');
    assert.equal(core.details?.['rule'], 'must be integer');
    for (const body of [{ 'http.nope': 1 }, { 'plugins.ghost.x': 1 }, { 'plugins.hls.nope': 1 }, {}, { 'plugins.hls.windowSize': undefined }]) {
      await rejects(h.rc.change(body as Record<string, unknown>), ValidationError);
    }
    assert.deepEqual(h.saved, {});
    assert.deepEqual(h.offered, []);
  });

  it('a plugin that refuses its section undoes the change (core applied live is rolled back)', async () => {
    const core: Array<readonly string[]> = [];
    const h = harness({
      plugin: async () => {
        throw new ConfigError('plugins.hls.windowSize does not fit', { details: { key: 'plugins.hls.windowSize', value: 5 } });
      },
      core: (next, changed) => {
        core.push([...changed, String(next.streams.maxStreams)]);
        return changed;
      },
    });
    const err = await rejects(h.rc.change({ 'streams.maxStreams': 10, 'plugins.hls.windowSize': 5 }), ValidationError);
    assert.equal(err.details?.['key'], 'plugins.hls.windowSize');
    assert.deepEqual(core, [['streams.maxStreams', '10'], ['streams.maxStreams', '64']]);
    assert.deepEqual(h.saved, {});
  });

  it('core keys: live when applied, restart otherwise; reverting a restart-only key to its start value is live again', async () => {
    const h = harness({ core: (_next, changed) => changed.filter((k) => k.startsWith('streams.')) });
    const first = await h.rc.change({ 'streams.maxStreams': 10, 'http.port': 81 });
    assert.deepEqual(first.map((c) => c.applied), ['live', 'restart']);
    assert.deepEqual(h.rc.view().pendingRestart, ['http.port']);
    const back = await h.rc.change({ 'http.port': null });
    assert.deepEqual(back.map((c) => [c.layer, c.applied]), [['defaults', 'live']]);
    assert.deepEqual(h.rc.view().pendingRestart, []);
  });

  it('concurrent changes run one after the other: neither is lost', async () => {
    const h = harness({ plugin: async () => new Promise<string[]>((r) => setTimeout(() => r([]), 20)) });
    await Promise.all([h.rc.change({ 'plugins.hls.windowSize': 3 }), h.rc.change({ 'log.format': 'json' })]);
    assert.equal(h.rc.current().values.log.format, 'json');
    assert.equal(h.rc.current().origin('plugins.hls.windowSize'), 'settings');
    assert.deepEqual(h.saved, { plugins: { hls: { windowSize: 3 } }, log: { format: 'json' } });
  });

  it('keys the plugin names cannot apply live are restart; secrets are redacted in results and the view', async () => {
    const h = harness({ plugin: async () => ['storage'] });
    const done = await h.rc.change({ 'plugins.hls.storage': 'other', 'plugins.hls.apiToken': 's3cret' });
    assert.deepEqual(done, [
      { key: 'plugins.hls.storage', value: 'other', layer: 'settings', applied: 'restart' },
      { key: 'plugins.hls.apiToken', value: '***', layer: 'settings', applied: 'live' },
    ]);
    assert.doesNotMatch(JSON.stringify(h.rc.view()), /s3cret/);
    assert.deepEqual(h.rc.pluginConfig('hls').config, { windowSize: 6, storage: 'other', apiToken: '***' });
    h.rc.restarted('hls');
    assert.deepEqual(h.rc.view().pendingRestart, []);
  });

  it('gives the schema of the whole configuration: core sections and each plugin section (what the panel builds forms from)', () => {
    const schema = harness().rc.schema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    assert.equal((schema.properties['http']!.properties!['port'] as { maximum: number }).maximum, 65535);
    assert.deepEqual(schema.properties['plugins']!.properties!['hls'], HLS_SCHEMA);
  });
});
