import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SinkLogger } from '../core/logging/logger.js';
import { MetricsRegistry } from '../core/metrics/metrics-registry.js';
import { ProcessFaultHandlers } from './process-fault-handlers.js';

const dirs = [{ id: 'alpha', dir: join('/srv', 'xlive', 'plugins', 'alpha') }];

async function metric(m: MetricsRegistry, name: string, labels: string): Promise<number> {
  const text = (await m.exposition()).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('ProcessFaultHandlers', () => {
  function handlers() {
    const metrics = new MetricsRegistry();
    const charged: Array<[string, string]> = [];
    const exits: number[] = [];
    const h = new ProcessFaultHandlers({
      log: new SinkLogger(() => undefined, 'silent'),
      metrics,
      plugins: { codeDirs: () => dirs, chargeFault: (id, where) => (charged.push([id, where]), true) },
      exit: (c) => exits.push(c),
    });
    return { h, metrics, charged, exits };
  }
  const inPlugin = () => Object.assign(new Error('from alpha'), { stack: `Error: from alpha\n    at start (${join(dirs[0]!.dir, 'index.js')}:2:3)` });

  it('an unhandled rejection never exits: charged to its plugin when the stack says so, else counted as unknown', async () => {
    const { h, metrics, charged, exits } = handlers();
    assert.deepEqual(h.rejection(inPlugin()), { plugin: 'alpha' });
    assert.deepEqual(h.rejection(undefined), { plugin: undefined, exit: false });
    assert.deepEqual(h.rejection(new Error('core')), { plugin: undefined, exit: false });
    assert.deepEqual(charged, [['alpha', 'unhandled-rejection']]);
    assert.deepEqual(exits, []);
    assert.equal(await metric(metrics, 'xlive_unhandled_rejections_total', 'plugin="unknown"'), 2);
    assert.equal(await metric(metrics, 'xlive_unhandled_rejections_total', 'plugin="alpha"'), 1);
  });

  it('an uncaught exception of a plugin is its fault; one nobody can be charged with exits 70', () => {
    const { h, charged, exits } = handlers();
    assert.deepEqual(h.exception(inPlugin()), { plugin: 'alpha' });
    assert.deepEqual(exits, []);
    h.exception(new Error('core bug'));
    assert.deepEqual(exits, [70]);
    assert.deepEqual(charged, [['alpha', 'uncaught-exception']]);
  });

  it('install() puts the handlers on the process object and takes them off', () => {
    const { h } = handlers();
    const on = new Map<string, unknown>();
    const proc = { on: (e: string, f: unknown) => on.set(e, f), off: (e: string) => on.delete(e) } as unknown as Pick<NodeJS.Process, 'on' | 'off'>;
    const off = h.install(proc);
    assert.deepEqual([...on.keys()].sort(), ['uncaughtException', 'unhandledRejection']);
    off();
    assert.equal(on.size, 0);
  });
});
