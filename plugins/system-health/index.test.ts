/**
 * The plugin on a real context: `GET /api/v1/system`, health checks crossing watermarks and the
 * `health.changed` events they record, its metrics, defaults learnt from ctx.paths, and that system
 * sampling (the facts worker and the hot values) leaves the event loop free.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BoxEvent, PluginInstance } from 'xlive/sdk';
import { createTestContext, type TestContext } from 'xlive/sdk/testing';
import { parseExposition, sampleValue } from '../metrics-prometheus/testing/exposition-parser.js';
import type { SystemFacts } from './system-facts.js';
import { makeFakeSys, type FakeSys } from './testing/fake-sys.js';

const { createSystemHealthPlugin } = await import('./system-health-plugin.js');
const { runFactsWorker, workerFactsRunner } = await import('./facts-collector.js');
const { HotSampler } = await import('./hot-sampler.js');
const { nodeSystemSources } = await import('./system-sources.js');

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const FACTS: SystemFacts = {
  collectedAt: '2025-01-01T00:00:00.000Z',
  model: { manufacturer: 'Raspberry Pi Foundation', model: 'Raspberry Pi 4 Model B', version: '1.4', virtual: false },
  os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', kernel: '6.6', arch: 'arm64', hostname: 'box-7' },
  cpu: null,
  memory: { totalBytes: 4 * GiB, swapTotalBytes: 0 },
  disks: [],
  filesystems: [],
  network: [],
  errors: { cpu: 'lscpu missing' },
};

interface Harness {
  t: TestContext<Record<string, unknown>>;
  /** What setup returned: the running instance. */
  instance: PluginInstance;
  url: string;
  close(): Promise<void>;
}

async function harness(config: Record<string, unknown>, sys?: FakeSys): Promise<Harness> {
  const t = createTestContext<Record<string, unknown>>({ id: 'system-health', manifestFrom: import.meta.url, config });
  const plugin = createSystemHealthPlugin({ ...(sys ? { sources: sys.sources } : {}), factsRunner: async () => FACTS });
  const instance = plugin.setup(t.ctx) ?? {};
  t.commit();
  await instance.start?.();
  const srv = await t.serve();
  return {
    t,
    instance,
    url: srv.url,
    close: async () => {
      await instance.stop?.();
      t.release();
      await srv.close();
    },
  };
}

async function waitForEvent(t: TestContext<unknown>, check: string, to: string, timeoutMs = 5000): Promise<BoxEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = t.ctx.events.list({ type: 'health.changed' }).find((x) => x.data['check'] === check && x.data['to'] === to);
    if (e) return e;
    if (Date.now() > deadline) throw new Error(`no health.changed ${check} → ${to}; have ${JSON.stringify(t.ctx.events.list())}`);
    await sleep(50);
  }
}

describe('system-health plugin', () => {
  const fakes: FakeSys[] = [];
  after(() => fakes.forEach((f) => f.remove()));

  it('answers /api/v1/system, fails disk-free when a watermark is crossed and records the changes', async () => {
    const sys = makeFakeSys({ zones: [{ type: 'cpu-thermal', milli: '45000' }], throttled: '0\n' });
    fakes.push(sys);
    sys.disks.set('/box/data', { size: 32 * GiB, free: 10 * GiB });
    sys.disks.set('/box/run', { size: 64 * MiB, free: 60 * MiB });
    const h = await harness({ dataDir: '/box/data', runtimeDir: '/box/run', pollIntervalMs: 1000 }, sys);
    try {
      const res = await fetch(`${h.url}/api/v1/system`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        box: { version: string };
        facts: SystemFacts;
        hot: { temperature: { celsius: number }; disks: Array<{ path: string; freeBytes: number }> };
        health: { status: string; checks: Array<{ name: string; status: string; since: string }> };
      };
      assert.equal(body.box.version, '0.0.0-test');
      assert.equal(body.facts.os?.hostname, 'box-7');
      assert.equal(body.hot.temperature.celsius, 45);
      assert.deepEqual(body.hot.disks.map((d) => [d.path, d.freeBytes]), [['/box/data', 10 * GiB], ['/box/run', 60 * MiB]]);
      assert.deepEqual(body.health.checks.map((c) => [c.name, c.status]).sort(), [
        ['system-health/disk-free', 'ok'],
        ['system-health/event-loop-lag', 'ok'],
        ['system-health/temperature', 'ok'],
      ]);
      assert.ok(!Number.isNaN(Date.parse(body.health.checks[0]!.since)));

      let m = parseExposition((await h.t.parts.metrics.exposition()).body);
      assert.equal(sampleValue(m, 'xlive_system_disk_free_bytes', { path: '/box/data' }), 10 * GiB);
      assert.equal(sampleValue(m, 'xlive_system_temperature_celsius', { zone: 'thermal_zone0' }), 45);
      assert.equal(sampleValue(m, 'xlive_system_throttled', { flag: 'underVoltage' }), 0);
      assert.ok(sampleValue(m, 'xlive_system_event_loop_lag_seconds', { stat: 'max' }) !== undefined);

      // Cross the fail watermark (32 GiB disk: min(256 MiB, 3 %) = 256 MiB).
      sys.disks.set('/box/data', { size: 32 * GiB, free: 100 * MiB });
      const failed = await waitForEvent(h.t, 'system-health/disk-free', 'fail');
      assert.equal(failed.severity, 'error');
      assert.equal(failed.source, 'system-health');
      assert.match(failed.message, /\/box\/data: 100\.0 MiB free/);
      const report = await h.t.ctx.health.report();
      assert.equal(report.status, 'fail');
      m = parseExposition((await h.t.parts.metrics.exposition()).body);
      assert.equal(sampleValue(m, 'xlive_health_check_status', { check: 'system-health/disk-free' }), 2);
      assert.equal(sampleValue(m, 'xlive_system_disk_free_bytes', { path: '/box/data' }), 100 * MiB);

      // Back above it; then too hot, and the Pi reports under-voltage.
      sys.disks.set('/box/data', { size: 32 * GiB, free: 10 * GiB });
      await waitForEvent(h.t, 'system-health/disk-free', 'ok');
      sys.setTemp(0, '90000');
      sys.setThrottled('50005\n');
      const hot = await waitForEvent(h.t, 'system-health/temperature', 'fail');
      assert.match(hot.message, /90 °C .*now: under-voltage, throttled/);
      m = parseExposition((await h.t.parts.metrics.exposition()).body);
      assert.equal(sampleValue(m, 'xlive_system_throttled', { flag: 'underVoltage' }), 1);
      // Only changes are recorded: one event per transition.
      assert.equal(h.t.ctx.events.list({ type: 'health.changed' }).length, 3);
    } finally {
      await h.close();
    }
  });

  it('watches the data and runtime dirs learnt from ctx.paths when none are configured', async () => {
    const h = await harness({ pollIntervalMs: 60_000 });
    try {
      const body = (await (await fetch(`${h.url}/api/v1/system`)).json()) as { hot: { disks: Array<{ path: string; freeBytes?: number }> } };
      assert.deepEqual(body.hot.disks.map((d) => d.path), [`${h.t.parts.root}/data`, `${h.t.parts.root}/run`]);
      assert.ok(body.hot.disks.every((d) => typeof d.freeBytes === 'number' && d.freeBytes > 0));
    } finally {
      await h.close();
    }
  });

  it('refuses bad config with a coded error naming the key', () => {
    const t = createTestContext<Record<string, unknown>>({ id: 'system-health', manifestFrom: import.meta.url, config: { disk: { failBelowPercent: 400 } } });
    assert.throws(() => createSystemHealthPlugin().setup(t.ctx), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && /disk\.failBelowPercent/.test(e.message));
    t.release();
  });

  it('gathers facts in a worker: a collector blocking its thread for 400 ms leaves the event loop free', async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await sleep(50);
    // The measurement sees a stall: a 150 ms busy loop on this thread.
    const until = Date.now() + 150;
    while (Date.now() < until);
    await sleep(30);
    assert.ok(delay.max / 1e6 > 120, `a deliberate stall is measured (${delay.max / 1e6} ms)`);
    delay.reset();

    const sampler = new HotSampler(nodeSystemSources(), ['/', '/tmp'], { read: () => ({ p99Ms: 0, maxMs: 0, meanMs: 0 }) });
    const started = Date.now();
    const facts = workerFactsRunner(new URL('./testing/blocking-facts-worker.js', import.meta.url))(10_000, new AbortController().signal);
    let samples = 0;
    let done = false;
    void facts.finally(() => (done = true));
    while (!done) {
      await sampler.sample();
      samples++;
      await sleep(10);
    }
    const f = await facts;
    const elapsed = Date.now() - started;
    delay.disable();
    const maxLagMs = delay.max / 1e6 - 10;
    assert.equal(f.os?.hostname, 'blocking-worker');
    assert.ok(elapsed >= 400, `the worker blocked its own thread ${elapsed} ms`);
    assert.ok(samples >= 10, `${samples} hot samples were taken meanwhile`);
    // On this thread the collector would stall the loop ≥ 400 ms; a loaded CI box may deschedule us briefly.
    assert.ok(maxLagMs < 200, `event loop stalled ${maxLagMs.toFixed(1)} ms while the worker blocked for ${elapsed} ms`);
  });

  it('gathers real facts with systeminformation in the worker', async () => {
    const f = await runFactsWorker(60_000, new AbortController().signal);
    assert.equal(f.os?.platform, 'linux', JSON.stringify(f.errors));
    assert.ok(f.memory && f.memory.totalBytes > 0);
    assert.ok(f.cpu && f.cpu.cores > 0);
  });

  it('the facts worker honours its timeout and abort', async () => {
    await assert.rejects(runFactsWorker(1000, AbortSignal.abort()), /stopped/);
    const ac = new AbortController();
    const p = runFactsWorker(60_000, ac.signal);
    ac.abort();
    await assert.rejects(p, /stopped/);
  });
});
