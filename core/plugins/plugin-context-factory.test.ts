import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSharedParts, createTestContext } from '../../test/helpers/plugin-context.js';
import { ValidationError, type PluginError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import type { Frame } from '../sdk/media.js';
import type { ReaderCloseReason, StreamEvent } from '../sdk/streams.js';
import { PluginFaults } from './plugin-faults.js';

function setup(limit = 1000) {
  const parts = createSharedParts();
  const faults = new PluginFaults({ limits: { faultLimit: limit, faultWindowMs: 60_000, slowCallbackMs: 10_000 }, metrics: parts.metrics, events: parts.events, log: silentLogger() });
  const trips: PluginError[] = [];
  const boundary = faults.forPlugin('bad', (e) => trips.push(e));
  const t = createTestContext({ id: 'bad', shared: parts, faults: boundary, manifest: { httpMounts: ['/bad'] } });
  return { ...t, parts, boundary, trips };
}

async function exposition(t: ReturnType<typeof setup>): Promise<string> {
  return (await t.parts.metrics.exposition()).body;
}

describe('plugin context: callbacks run behind the plugin fault boundary', () => {
  it('a stream-event listener that rejects or throws is the plugin’s fault; other listeners and the publisher carry on', async () => {
    const t = setup();
    const seen: StreamEvent[] = [];
    t.hub.onEvent((e) => seen.push(e));
    t.ctx.streams.onEvent(async () => {
      throw new Error('async listener boom');
    });
    t.ctx.streams.onEvent(() => {
      throw new Error('sync listener boom');
    });
    t.commit();
    const pub = t.hub.publish('live/a', { protocol: 'test' });
    pub.push({ track: 'video', codec: 'h264', dts: 0, keyframe: true, payload: new Uint8Array(8), dataOffset: 5 });
    pub.close();
    await sleep(10);
    assert.deepEqual(seen.map((e) => e.type), ['published', 'unpublished']);
    assert.equal(t.boundary.summary().faults, 4);
    assert.match(await exposition(t), /xlive_plugin_faults_total\{plugin="bad",where="stream-event"\} 4/);
    const events = t.parts.events.list({ type: 'plugin.fault' });
    assert.ok(events.length >= 2 && events.every((e) => e.data['plugin'] === 'bad'));
    t.release();
  });

  it('a box-event listener that throws is charged to the plugin', async () => {
    const t = setup();
    t.ctx.events.onEvent(() => {
      throw new Error('box listener boom');
    });
    t.commit();
    t.parts.events.record('core', { type: 'test.thing', message: 'hello' });
    assert.equal(t.boundary.summary().last?.where, 'box-event');
    t.release();
  });

  it('a reader whose sink throws ends alone; ctx.streams readers and publishers are released with the plugin', () => {
    const t = setup();
    const pub = t.ctx.streams.publish('live/b', { protocol: 'test' });
    const good: Frame[] = [];
    t.hub.subscribe('live/b', { protocol: 'core', sink: { write: (f) => (good.push(f), true), close: () => undefined } });
    let closed: ReaderCloseReason | undefined;
    const bad = t.ctx.streams.subscribe('live/b', { protocol: 'bad', sink: { write: () => { throw new Error('sink boom'); }, close: (r) => void (closed = r) } });
    const fine = t.ctx.streams.subscribe('live/b', { protocol: 'bad-ok', sink: { write: () => true, close: () => undefined } });
    pub.push({ track: 'video', codec: 'h264', dts: 0, keyframe: true, payload: new Uint8Array(8), dataOffset: 5 });
    assert.equal(good.length, 1);
    assert.equal(closed, 'sink-failed');
    assert.equal(bad.stats.framesSent, 0);
    assert.equal(fine.stats.framesSent, 1);
    assert.equal(t.boundary.summary().last?.where, 'reader');
    assert.equal(t.hub.counters.sinkFailures, 1);
    // A sink that throws on the GOP replay inside subscribe() is ended before subscribe returns.
    const early = t.ctx.streams.subscribe('live/b', { protocol: 'bad', sink: { write: () => { throw new Error('early'); }, close: () => undefined } });
    assert.equal(early.stats.framesSent, 0);
    t.release();
    assert.equal(t.hub.list().length, 0, 'the publisher the plugin left behind is ended');
  });

  it('route: a bug answers 500 problem+json and is a fault, a coded error is an answer; after release the route answers 503', async () => {
    const t = setup();
    t.ctx.http.route('GET', '/boom', () => {
      throw new TypeError('cannot read x of undefined');
    }, { public: true });
    t.ctx.http.route('GET', '/async-boom', async () => {
      throw new Error('async route boom');
    }, { public: true });
    t.ctx.http.route('GET', '/coded', () => {
      throw new ValidationError('bad input');
    }, { public: true });
    t.commit();
    const srv = await t.serve();
    try {
      for (const path of ['/plugins/bad/boom', '/plugins/bad/async-boom']) {
        const r = await fetch(srv.url + path);
        assert.equal(r.status, 500, path);
        assert.equal(r.headers.get('content-type'), 'application/problem+json');
        assert.equal(((await r.json()) as { code: string }).code, 'INTERNAL_ERROR');
      }
      assert.equal((await fetch(srv.url + '/plugins/bad/coded')).status, 400);
      assert.equal(t.boundary.summary().faults, 2);
      t.release();
      const gone = await fetch(srv.url + '/plugins/bad/boom');
      assert.equal(gone.status, 503);
      assert.equal(((await gone.json()) as { code: string }).code, 'PLUGIN_NOT_RUNNING');
    } finally {
      await srv.close();
    }
  });

  it('websocket: refusals before the 101 are problem+json with a body; a throwing onOpen closes 1011 and is a fault; once stopped, 503', async () => {
    const t = setup();
    t.ctx.http.route('GET', '/ws', (c) => {
      if (c.req.query('refuse')) throw new ValidationError('refused before the upgrade');
      if (c.req.query('bug')) throw new TypeError('route bug');
      return t.ctx.http.websocket(c, () => {
        throw new Error('open boom');
      });
    }, { public: true });
    t.commit();
    const srv = await t.serve();
    const upgrade = (query: string) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(srv.port, '127.0.0.1', () =>
          s.write(`GET /plugins/bad/ws${query} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`));
        let buf = Buffer.alloc(0);
        s.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
        s.on('close', () => resolve(buf.toString('latin1')));
        s.on('error', reject);
      });
    try {
      const refused = await upgrade('?refuse=1');
      assert.match(refused, /^HTTP\/1\.1 400 /);
      assert.match(refused, /content-type: application\/problem\+json/i);
      assert.match(refused, /"code":"VALIDATION_FAILED"/);
      assert.match(refused, /refused before the upgrade/);
      const bug = await upgrade('?bug=1');
      assert.match(bug, /^HTTP\/1\.1 500 /);
      assert.match(bug, /"code":"INTERNAL_ERROR"/);
      assert.equal(t.boundary.summary().last?.where, 'route');
      const opened = await upgrade('');
      assert.match(opened, /^HTTP\/1\.1 101 /);
      assert.match(opened, /\x88[\s\S]\x03\xf3/, 'a close frame with 1011');
      assert.equal(t.boundary.summary().last?.where, 'upgrade');
      t.release();
      const stopped = await upgrade('');
      assert.match(stopped, /^HTTP\/1\.1 503 /);
      assert.match(stopped, /PLUGIN_NOT_RUNNING/);
    } finally {
      await srv.close();
    }
  });

  it('timers, metrics, health checks and listeners are released; a throwing collect never fails the scrape', async () => {
    const t = setup();
    let ticks = 0;
    t.ctx.metrics.gauge({ name: 'xlive_bad_gauge', help: 'x', collect: () => { throw new Error('collect boom'); } });
    t.ctx.metrics.collectedCounter({ name: 'xlive_bad_total', help: 'x', collect: () => { throw new Error('collect boom'); } });
    t.ctx.metrics.counter({ name: 'xlive_bad_plain_total', help: 'x' }).inc();
    t.ctx.health.register({ name: 'mood', check: () => ({ status: 'ok' }) });
    t.commit();
    t.ctx.timers.setInterval(() => void ticks++, 2);
    const text = await exposition(t);
    assert.match(text, /xlive_bad_plain_total 1/);
    assert.ok(t.boundary.summary().faults >= 2, 'collect errors are faults');
    await sleep(20);
    assert.ok(ticks > 0);
    t.release();
    const after = ticks;
    await sleep(20);
    assert.equal(ticks, after, 'the interval is cleared');
    assert.doesNotMatch(await exposition(t), /xlive_bad_/);
    assert.ok(!t.parts.health.names().includes('bad/mood'));
  });

  it('past the limit the boundary reports PLUGIN_FAULTED once', async () => {
    const t = setup(3);
    t.ctx.streams.onEvent(() => {
      throw new Error('again');
    });
    t.commit();
    for (let i = 0; i < 5; i++) t.hub.publish(`live/s${i}`, { protocol: 'test' });
    assert.equal(t.trips.length, 1);
    assert.equal(t.trips[0]!.code, 'PLUGIN_FAULTED');
    t.release();
  });
});
