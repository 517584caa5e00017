import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSharedParts } from '../../test/helpers/plugin-context.js';
import { silentLogger } from '../logging/logger.js';
import { createPluginStore, singlePluginDatabase } from '../store/index.js';
import { PluginFaults } from './plugin-faults.js';
import { PluginHost } from './plugin-host.js';

const DEFAULT_PERMISSIONS = ['http', 'http:public', 'streams:read'];

function writePlugin(root: string, id: string, dependsOn: string[], code: string, permissions = DEFAULT_PERMISSIONS): void {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const xlive = { id, apiVersion: '^1.0.0', kinds: ['other'], permissions, dependsOn };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `p-${id}`, version: '1.0.0', type: 'module', main: 'index.js', xlive }));
  writeFileSync(join(dir, 'index.js'), code);
}

/** A host over real core parts with plugins written to a temp folder (no SDK import needed: a plain definition object). */
async function host(plugins: Array<[string, string[], string, string[]?]>, faultLimit = 3) {
  const root = mkdtempSync(join(tmpdir(), 'xlive-host-'));
  for (const [id, deps, code, permissions] of plugins) writePlugin(root, id, deps, code, permissions);
  const parts = createSharedParts();
  const h: PluginHost = new PluginHost({
    directories: [{ path: root, source: 'external' }],
    hostApiVersion: '1.0.0',
    enablement: { isEnabled: () => true, consent: (m) => ({ permissions: [...m.permissions], consentedPermissions: [...m.permissions], consentRequired: false, consentPending: false }) },
    pluginConfig: () => ({}),
    startTimeoutMs: 2000,
    stopTimeoutMs: 500,
    log: silentLogger(),
    faults: new PluginFaults({ limits: { faultLimit, faultWindowMs: 60_000, slowCallbackMs: 10_000 }, metrics: parts.metrics, events: parts.events, log: silentLogger() }),
    services: {
      streams: parts.hub,
      routes: parts.routes,
      health: parts.health,
      metrics: parts.metrics,
      auth: parts.auth,
      gates: parts.gates.chain,
      storage: parts.storage,
      storeFor: (owner) => createPluginStore(parts.db, owner, singlePluginDatabase(parts.db, silentLogger())),
      events: parts.events,
      plugins: () => h.list(),
      host: { version: '0', apiVersion: '1.0.0', httpPort: () => undefined, reportListener: () => undefined, listeners: () => ({}), boxNames: () => ['localhost'] },
      net: parts.net,
      dataDir: join(root, 'data'),
      runtimeDir: join(root, 'run'),
      log: silentLogger(),
    },
  });
  await h.load();
  await h.start();
  return { h, parts, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const state = (h: PluginHost, id: string) => {
  const p = h.get(id)!;
  return [p.state, p.error?.code ?? null];
};

describe('PluginHost: a plugin past its fault limit', () => {
  it('is failed and stopped once; its listeners and timers are released; its dependants stop; the rest runs', async () => {
    const g = globalThis as { __flakyStops?: number; __ticks?: number };
    g.__flakyStops = 0;
    g.__ticks = 0;
    const { h, parts, cleanup } = await host([
      ['flaky', [], `export default { setup(ctx) {
        ctx.streams.onEvent(() => { throw new Error('listener boom'); });
        ctx.timers.setInterval(() => { globalThis.__ticks++; }, 5);
        ctx.health.register({ name: 'mood', check: () => ({ status: 'ok' }) });
        return { stop() { globalThis.__flakyStops++; } };
      } };`],
      ['needs-flaky', ['flaky'], `export default { setup() {} };`],
      ['needs-needs', ['needs-flaky'], `export default { setup() {} };`],
      ['bystander', [], `export default { setup(ctx) { ctx.streams.onEvent(() => {}); } };`],
    ]);
    try {
      for (const id of ['flaky', 'needs-flaky', 'needs-needs', 'bystander']) assert.deepEqual(state(h, id), ['running', null], id);
      for (let i = 0; i < 5; i++) parts.hub.publish(`live/s${i}`, { protocol: 'test' });
      await sleep(20);
      assert.deepEqual(state(h, 'flaky'), ['failed', 'PLUGIN_FAULTED']);
      assert.deepEqual(state(h, 'needs-flaky'), ['skipped', 'PLUGIN_DEPENDENCY_FAILED']);
      assert.deepEqual(state(h, 'needs-needs'), ['skipped', 'PLUGIN_DEPENDENCY_FAILED']);
      assert.deepEqual(state(h, 'bystander'), ['running', null]);
      assert.equal(g.__flakyStops, 1, 'stop() attempted once');
      const seen = h.get('flaky')!.faults!.faults;
      parts.hub.publish('live/after', { protocol: 'test' });
      assert.equal(h.get('flaky')!.faults!.faults, seen, 'its listener is gone: no faults after it failed');
      const ticks = g.__ticks;
      await sleep(30);
      assert.equal(g.__ticks, ticks, 'its interval is cleared');
      assert.ok(!parts.health.names().includes('flaky/mood'));
      const failed = parts.events.list({ type: 'plugin.failed' }).map((e) => e.data['plugin']).sort();
      assert.deepEqual(failed, ['flaky', 'needs-flaky', 'needs-needs']);
      await h.stop();
      assert.equal(g.__flakyStops, 1, 'shutdown does not stop it again');
    } finally {
      cleanup();
    }
  });

  it('reaching the limit while start() still runs fails the plugin as soon as start returns', async () => {
    const { h, cleanup } = await host([
      ['early', [], `export default { setup(ctx) { return { async start() {
        for (let i = 0; i < 3; i++) ctx.run(Promise.reject(new Error('early boom ' + i)));
        await new Promise((r) => setTimeout(r, 20));
      } }; } };`],
    ]);
    try {
      await sleep(10);
      assert.deepEqual(state(h, 'early'), ['failed', 'PLUGIN_FAULTED']);
    } finally {
      await h.stop();
      cleanup();
    }
  });
});

describe('PluginHost: restart in place and live config', () => {
  it('restarts a plugin without routes: stopped once, set up and started again, its timers re-created; refuses where it cannot', async () => {
    const g = globalThis as { __setups?: number; __stops?: number; __ticks?: number };
    g.__setups = 0;
    g.__stops = 0;
    g.__ticks = 0;
    const { h, parts, cleanup } = await host([
      ['worker', [], `export default { setup(ctx) {
        globalThis.__setups++;
        ctx.health.register({ name: 'beat', check: () => ({ status: 'ok' }) });
        return {
          start() { ctx.timers.setInterval(() => { globalThis.__ticks++; }, 5); },
          stop() { globalThis.__stops++; },
          reconfigure(next) { return next.port === undefined ? [] : ['port']; },
        };
      } };`, ['streams:read']],
      ['web', [], `export default { setup(ctx) { ctx.http.route('GET', '/', (c) => c.text('hi')); } };`],
      ['base', [], `export default { setup() {} };`, []],
      ['user', ['base'], `export default { setup() {} };`, []],
    ]);
    try {
      const p = await h.restart('worker');
      assert.equal(p.state, 'running');
      assert.deepEqual([g.__setups, g.__stops], [2, 1]);
      assert.deepEqual(parts.health.names().filter((n) => n === 'worker/beat'), ['worker/beat'], 'its check registered once again');
      const ticks = g.__ticks!;
      await sleep(30);
      assert.ok(g.__ticks! > ticks, 'the new timer runs');
      assert.deepEqual(await h.reconfigure('worker', { port: 1 }, {}), ['port']);
      assert.deepEqual(await h.reconfigure('worker', { other: 1 }, {}), []);
      assert.equal(await h.reconfigure('base', {}, {}), undefined, 'no reconfigure(): nothing live');
      await assert.rejects(h.restart('base'), (err: Error & { code?: string }) => err.code === 'PLUGIN_RESTART_UNSUPPORTED' && /running plugins depend on it \(user\)/.test(err.message));
      assert.equal(h.get('base')!.state, 'running', 'a refused restart changes nothing');
      const before = parts.routes.routes.find((r) => r.owner === 'web')!.handler;
      assert.equal((await h.restart('web')).state, 'running');
      const route = parts.routes.routes.filter((r) => r.owner === 'web');
      assert.equal(route.length, 1, 'the same route, not a second one');
      assert.notEqual(route[0]!.handler, before, 'now calling the new setup\'s handler');
      await h.stop();
      assert.equal(g.__stops, 2);
    } finally {
      cleanup();
    }
  });
});
