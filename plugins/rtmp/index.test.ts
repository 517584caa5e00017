import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestContext } from '../../test/helpers/plugin-context.js';
import type { RtmpPluginConfig } from './index.js';

const plugin = (await import('./index.js')).default;
const { RtmpTestClient } = await import('./testing/rtmp-test-client.js');

const config: RtmpPluginConfig = {
  host: '127.0.0.1',
  port: 0,
  chunkSize: 4096,
  maxConnections: 10,
  maxStreams: 4,
  maxMessageSize: 1024 * 1024,
  handshakeTimeoutMs: 2000,
  idleTimeoutMs: 5000,
  ackWindow: 5_000_000,
};

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 3000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('rtmp plugin', () => {
  it('starts a listener, reports it, serves publishers, exposes health and metrics, and stops', async () => {
    const t = createTestContext<RtmpPluginConfig>({ id: 'rtmp', config });
    const instance = plugin.setup(t.ctx)!;
    t.commit();
    await instance.start!();
    const address = t.listeners.get('rtmp');
    assert.ok(address && address.port > 0, 'reportListener called with the bound port');

    const c = await RtmpTestClient.open(address.port);
    await c.connectApp('live');
    const id = await c.createStream();
    assert.equal((await c.publish(id, 'plugin')).code, 'NetStream.Publish.Start');
    assert.ok(t.hub.get('live/plugin')?.publisher);

    const health = await t.parts.health.run();
    assert.equal(health.checks.find((ch) => ch.name === 'rtmp/listener')?.status, 'ok');
    const { body } = await t.parts.metrics.exposition();
    assert.match(body, /xlive_connections_total\{protocol="rtmp"\} 1/);
    assert.match(body, /xlive_bytes_total\{protocol="rtmp",direction="in"\} \d+/);
    assert.match(body, /xlive_rtmp_open_connections 1/);

    await instance.stop!();
    await c.closed;
    await until(() => t.hub.get('live/plugin') === undefined, 'the publisher to be closed');
    const after = await t.parts.health.run();
    assert.equal(after.checks.find((ch) => ch.name === 'rtmp/listener')?.status, 'fail');
    t.release();
  });

  it('keeps one server per plugin context', async () => {
    const a = createTestContext<RtmpPluginConfig>({ id: 'rtmp', config });
    const b = createTestContext<RtmpPluginConfig>({ id: 'rtmp', config });
    const ia = plugin.setup(a.ctx)!;
    const ib = plugin.setup(b.ctx)!;
    a.commit();
    b.commit();
    await ia.start!();
    await ib.start!();
    assert.notEqual(a.listeners.get('rtmp')!.port, b.listeners.get('rtmp')!.port);
    await ia.stop!();
    await ib.stop!();
    a.release();
    b.release();
  });
});
