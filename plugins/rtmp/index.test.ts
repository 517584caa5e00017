import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestContext } from 'xlive/sdk/testing';
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
    const t = createTestContext<RtmpPluginConfig>({ id: 'rtmp', manifestFrom: import.meta.url, config });
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

  it("listens through ctx.net: idle sockets are evicted oldest first, players are capped, a keyed publisher still gets a reserved slot", async () => {
    const caps = { maxConnections: 20, maxIdleConnections: 4, maxIdleConnectionsPerIp: 4, maxConnectionsPerIp: 100, reservedForPublishers: 2 };
    const t = createTestContext<RtmpPluginConfig>({ id: 'rtmp', manifestFrom: import.meta.url, config: { ...config, ...caps } });
    const instance = plugin.setup(t.ctx)!;
    t.commit();
    await instance.start!();
    const port = t.listeners.get('rtmp')!.port;
    const clients: Array<{ close(): void }> = [];
    const session = async () => {
      const c = await RtmpTestClient.open(port);
      clients.push(c);
      await c.connectApp('live');
      return { c, id: await c.createStream() };
    };
    try {
      const pub = await session();
      assert.equal((await pub.c.publish(pub.id, 'stage')).code, 'NetStream.Publish.Start');
      // 20 total − 4 idle − 2 reserved = 14 ordinary established: the publisher and 13 players.
      for (let i = 0; i < 13; i++) {
        const p = await session();
        assert.match(String((await p.c.play(p.id, 'stage')).code), /^NetStream\.Play\.(Reset|Start)$/, `player ${i + 1}`);
      }
      const extra = await session();
      const refused = await extra.c.play(extra.id, 'stage');
      assert.equal(refused.code, 'NetStream.Play.Failed');
      assert.match(String(refused.description), /connection limit/);
      await extra.c.closed;
      // The reserved slots: a publisher whose key was accepted still gets in.
      const second = await session();
      assert.equal((await second.c.publish(second.id, 'second')).code, 'NetStream.Publish.Start');
      // An idle flood (never even handshakes) churns only idle slots; no established session is touched.
      const flood: Socket[] = [];
      for (let i = 0; i < 30; i++) {
        const s = connect({ host: '127.0.0.1', port });
        s.on('error', () => undefined);
        flood.push(s);
        await new Promise((r) => s.once('connect', r));
      }
      await until(() => flood.filter((s) => !s.destroyed && s.readyState === 'open').length <= 4, 'the flood to be cut to 4 idle sockets');
      assert.ok(t.parts.refusals.filter((r) => r.listener === 'rtmp' && r.reason === 'idle-per-ip').length >= 26);
      assert.ok(t.parts.refusals.some((r) => r.reason === 'total'));
      assert.ok(t.hub.get('live/stage')?.publisher && t.hub.get('live/second')?.publisher, 'both publishers still publishing');
      for (const s of flood) s.destroy();
    } finally {
      for (const c of clients) c.close();
      await instance.stop!();
      t.release();
    }
  });

  it('keeps one server per plugin context', async () => {
    const a = createTestContext<RtmpPluginConfig>({ id: 'rtmp', manifestFrom: import.meta.url, config });
    const b = createTestContext<RtmpPluginConfig>({ id: 'rtmp', manifestFrom: import.meta.url, config });
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
