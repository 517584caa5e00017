import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SinkLogger, type LogRecord } from '../logging/logger.js';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import type { EventInit } from '../sdk/events.js';
import type { PluginError } from '../errors/xlive-error.js';
import { pluginOfStack } from './fault-attribution.js';
import { PluginFaults, type FaultLimits } from './plugin-faults.js';
import { PluginTimerSet, runGuarded } from './plugin-timers.js';

function book(limits: Partial<FaultLimits> = {}, clock = { t: 0 }) {
  const lines: LogRecord[] = [];
  const events: EventInit[] = [];
  const metrics = new MetricsRegistry();
  const faults = new PluginFaults({
    limits: { faultLimit: 3, faultWindowMs: 1000, slowCallbackMs: 50, ...limits },
    metrics,
    events: { record: (_s: string, e: EventInit) => void events.push(e) },
    log: new SinkLogger((r) => void lines.push(r), 'debug'),
    now: () => clock.t,
  });
  return { faults, lines, events, metrics, clock };
}

async function metric(m: MetricsRegistry, name: string, labels: string): Promise<number> {
  const text = (await m.exposition()).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('FaultBoundary', () => {
  it('catches a synchronous throw and a rejected returned promise, charges both to the plugin', async () => {
    const { faults, lines, events, metrics } = book({ faultLimit: 100 });
    const b = faults.forPlugin('bad', () => assert.fail('no limit'));
    assert.equal(b.call('stream-event', () => { throw new Error('sync boom'); }), undefined);
    const p = b.call('stream-event', async () => { throw new Error('async boom'); });
    assert.equal(await p, undefined, 'the rejection is handled and resolves undefined');
    assert.equal(b.call('timer', (x: number) => x * 2, 21), 42, 'a good callback returns its value');
    assert.equal(b.summary().faults, 2);
    assert.match(b.summary().last!.message, /async boom/);
    assert.equal(await metric(metrics, 'xlive_plugin_faults_total', 'plugin="bad",where="stream-event"'), 2);
    assert.deepEqual(events.map((e) => [e.type, e.data?.['plugin'], e.data?.['where']]), [['plugin.fault', 'bad', 'stream-event'], ['plugin.fault', 'bad', 'stream-event']]);
    assert.ok(lines.some((l) => l.level === 'error' && /plugin bad fault in stream-event: sync boom/.test(l.msg)));
  });

  it('trips the limit once at faultLimit faults within the window, not for faults spread wider', () => {
    const clock = { t: 0 };
    const { faults } = book({ faultLimit: 3, faultWindowMs: 1000 }, clock);
    const trips: PluginError[] = [];
    const b = faults.forPlugin('p', (e) => trips.push(e));
    for (const t of [0, 600, 1200, 1800]) {
      clock.t = t;
      b.fault('timer', new Error('spread out'));
    }
    assert.equal(trips.length, 0, 'never 3 within 1000 ms');
    clock.t = 1900;
    b.fault('timer', new Error('third close one'));
    assert.equal(trips.length, 1);
    assert.equal(trips[0]!.code, 'PLUGIN_FAULTED');
    assert.match(trips[0]!.message, /plugin p failed 3 times within 1000 ms/);
    for (let i = 0; i < 10; i++) b.fault('timer', new Error('more'));
    assert.equal(trips.length, 1, 'trips once');
  });

  it('rate-limits log lines and plugin.fault events in a hot loop but counts every fault', async () => {
    const { faults, lines, events, metrics, clock } = book({ faultLimit: 1_000_000, faultWindowMs: 1000 });
    const b = faults.forPlugin('hot', () => undefined);
    for (let i = 0; i < 10_000; i++) b.call('reader', () => { throw new Error('again'); });
    assert.equal(events.length, 5);
    assert.equal(lines.filter((l) => l.level === 'error').length, 5);
    assert.equal(await metric(metrics, 'xlive_plugin_faults_total', 'plugin="hot",where="reader"'), 10_000);
    clock.t = 1500;
    b.fault('reader', new Error('next window'));
    assert.equal(events.length, 6);
    assert.equal(events[5]!.data?.['suppressed'], 9995, 'the next report says how many were left out');
  });

  it('does nothing toward the limit once closed (plugin stopped), but still counts', () => {
    const { faults } = book({ faultLimit: 1 });
    let tripped = 0;
    const b = faults.forPlugin('late', () => tripped++);
    b.close();
    b.fault('async', new Error('after stop'));
    assert.equal(tripped, 0);
    assert.equal(b.summary().faults, 1);
  });

  it('names a callback that blocked longer than slowCallbackMs, with its plugin', async () => {
    const clock = { t: 0 };
    const { faults, lines, metrics } = book({ slowCallbackMs: 50 }, clock);
    const b = faults.forPlugin('hog', () => undefined);
    b.call('stream-event', () => void (clock.t += 10));
    assert.equal(b.summary().slowCallbacks, 0);
    b.call('stream-event', () => void (clock.t += 300));
    assert.equal(b.summary().slowCallbacks, 1);
    assert.equal(b.summary().lastSlow?.ms, 300);
    assert.equal(b.summary().lastSlow?.where, 'stream-event');
    assert.ok(lines.some((l) => l.level === 'warn' && /plugin hog blocked the event loop for 300 ms in a stream-event callback/.test(l.msg)));
    assert.equal(await metric(metrics, 'xlive_plugin_slow_callbacks_total', 'plugin="hog",where="stream-event"'), 1);
  });
});

describe('ctx.timers and ctx.run', () => {
  it('a throwing timer and interval are faults; clearAll stops them and refuses new ones', async () => {
    const { faults } = book({ faultLimit: 1000, slowCallbackMs: 10_000 });
    const b = faults.forPlugin('t', () => undefined);
    const timers = new PluginTimerSet(b);
    let ticks = 0;
    timers.setTimeout(() => { throw new Error('timeout boom'); }, 1);
    timers.setInterval(async () => {
      ticks++;
      throw new Error('interval boom');
    }, 5);
    const cleared = timers.setTimeout(() => assert.fail('cleared'), 5);
    cleared.clear();
    await sleep(40);
    assert.ok(b.summary().faults >= 2, `faults ${b.summary().faults}`);
    timers.clearAll();
    const seen = ticks;
    timers.setTimeout(() => ticks++, 1);
    await sleep(30);
    assert.equal(ticks, seen, 'nothing runs after clearAll');
    assert.equal(timers.size, 0);
  });

  it('ctx.run charges a rejection or a throw to the plugin, resolves undefined; after stop only debug-logs', async () => {
    const { faults } = book({ faultLimit: 1000 });
    const b = faults.forPlugin('r', () => undefined);
    const debug: string[] = [];
    assert.equal(await runGuarded(b, (m) => debug.push(m), Promise.resolve(7)), 7);
    assert.equal(await runGuarded(b, (m) => debug.push(m), Promise.reject(new Error('nope'))), undefined);
    assert.equal(await runGuarded(b, (m) => debug.push(m), () => { throw new Error('sync'); }), undefined);
    assert.equal(await runGuarded(b, (m) => debug.push(m), async () => 'ok'), 'ok');
    assert.equal(b.summary().faults, 2);
    b.close();
    assert.equal(await runGuarded(b, (m) => debug.push(m), Promise.reject(new Error('aborted'))), undefined);
    assert.equal(b.summary().faults, 2);
    assert.match(debug[0]!, /aborted/);
  });
});

describe('pluginOfStack', () => {
  const root = mkdtempSync(join(tmpdir(), 'xlive-attr-'));
  const dirs = [{ id: 'alpha', dir: join(root, 'plugins', 'alpha') }, { id: 'alpha-two', dir: join(root, 'plugins', 'alpha-two') }];

  it('names the plugin of the topmost plugin frame, as a path or a file URL, through a symlinked folder', () => {
    const a = dirs[0]!.dir;
    const stack = `Error: x\n    at inner (/opt/xlive/dist/core/streams/hub.js:1:1)\n    at Object.start (${pathToFileURL(join(a, 'index.js')).href}:3:9)\n    at ${join(dirs[1]!.dir, 'index.js')}:1:1`;
    assert.equal(pluginOfStack(stack, dirs), 'alpha');
    assert.equal(pluginOfStack(`Error\n    at f (${join(dirs[1]!.dir, 'x.js')}:1:1)`, dirs), 'alpha-two', 'alpha is not a prefix of alpha-two');
    assert.equal(pluginOfStack('Error: read ECONNRESET\n    at TCP.onStreamRead (node:internal/stream_base_commons:217:20)', dirs), undefined);
    mkdirSync(join(root, 'real', 'beta'), { recursive: true });
    symlinkSync(join(root, 'real'), join(root, 'linked'));
    assert.equal(pluginOfStack(`Error\n    at f (${join(root, 'real', 'beta', 'i.js')}:1:1)`, [{ id: 'beta', dir: join(root, 'linked', 'beta') }]), 'beta');
    rmSync(root, { recursive: true, force: true });
  });
});
