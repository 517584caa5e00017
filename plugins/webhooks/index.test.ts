/**
 * Webhook delivery against a local receiver on 127.0.0.1:0: the JSON body and headers, retries on 500
 * with backoff, giving up after N, the timeout, 4xx being final, the bounded queue dropping the oldest,
 * the types filter, and stop aborting the attempt in flight.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BoxEvent, PluginInstance } from 'xlive/sdk';
import { createTestContext, type TestContext } from 'xlive/sdk/testing';
import { parseExposition, sampleValue } from '../metrics-prometheus/testing/exposition-parser.js';
import { startReceiver, type Answer, type Received, type Receiver } from './testing/webhook-receiver.js';

const { createWebhooksPlugin } = await import('./webhooks-plugin.js');

interface Harness {
  t: TestContext<Record<string, unknown>>;
  recv: Receiver;
  /** What setup returned: the running instance. */
  instance: PluginInstance;
  record(type: string, message?: string): void;
  metrics(): Promise<ReturnType<typeof parseExposition>>;
  close(): Promise<void>;
}

const open: Harness[] = [];

async function harness(config: Record<string, unknown>, answer: (r: Received) => Answer, path = '/hook'): Promise<Harness> {
  const recv = await startReceiver(answer);
  const t = createTestContext<Record<string, unknown>>({ id: 'webhooks', manifestFrom: import.meta.url, config: { urls: [recv.url + path], backoffMs: 20, ...config } });
  const plugin = createWebhooksPlugin();
  const instance = plugin.setup(t.ctx) ?? {};
  t.commit();
  await instance.start?.();
  const h: Harness = {
    t,
    recv,
    instance,
    record: (type, message = type) => void t.parts.events.record('core', { type, message, stream: 'live/a' }),
    metrics: async () => parseExposition((await t.parts.metrics.exposition()).body),
    close: async () => {
      await instance.stop?.();
      t.release();
      await recv.close();
    },
  };
  open.push(h);
  return h;
}

const bodyOf = (r: Received) => JSON.parse(r.body) as { event: BoxEvent; box: { version: string; hostname: string } };

describe('webhooks', () => {
  after(async () => {
    for (const h of open) await h.close();
  });

  it('POSTs each event as signed JSON with the box version', async () => {
    const h = await harness({ secret: 's3cret' }, () => 204, '/hook?token=do-not-leak');
    h.record('stream.started', 'live/a started');
    const [r] = await h.recv.waitFor(1);
    const body = bodyOf(r!);
    assert.equal(r!.url, '/hook?token=do-not-leak');
    assert.equal(r!.headers['content-type'], 'application/json');
    assert.equal(r!.headers['x-xlive-event'], 'stream.started');
    assert.equal(r!.headers['x-xlive-event-id'], String(body.event.id));
    assert.equal(r!.headers['x-xlive-delivery-attempt'], '1');
    assert.equal(r!.headers['user-agent'], 'xlive/0.0.0-test');
    assert.equal(r!.headers['x-xlive-signature'], `sha256=${createHmac('sha256', 's3cret').update(r!.body).digest('hex')}`);
    assert.equal(body.event.type, 'stream.started');
    assert.equal(body.event.message, 'live/a started');
    assert.equal(body.event.stream, 'live/a');
    assert.equal(body.box.version, '0.0.0-test');
    assert.ok(body.box.hostname);
    await sleep(20);
    const m = await h.metrics();
    assert.equal(sampleValue(m, 'xlive_webhook_deliveries_total', { target: h.recv.url, index: '0', result: 'delivered' }), 1);
    assert.ok(!(await h.t.parts.metrics.exposition()).body.includes('do-not-leak'), 'no path or query in labels');
  });

  it('retries on 500 with growing backoff, then delivers', async () => {
    const h = await harness({ retries: 3, backoffMs: 60 }, (r) => (r.n <= 2 ? 500 : 200));
    h.record('stream.stopped');
    const rs = await h.recv.waitFor(3);
    assert.deepEqual(rs.map((r) => r.headers['x-xlive-delivery-attempt']), ['1', '2', '3']);
    assert.ok(rs.every((r) => r.body === rs[0]!.body), 'the same body every time');
    assert.ok(rs[1]!.at - rs[0]!.at >= 55, `first backoff ${rs[1]!.at - rs[0]!.at} ms`);
    assert.ok(rs[2]!.at - rs[1]!.at >= 115, `second backoff doubles: ${rs[2]!.at - rs[1]!.at} ms`);
    await sleep(50);
    assert.equal(h.recv.received.length, 3);
    const m = await h.metrics();
    assert.equal(sampleValue(m, 'xlive_webhook_attempts_total', { outcome: 'http-error' }), 2);
    assert.equal(sampleValue(m, 'xlive_webhook_attempts_total', { outcome: 'ok' }), 1);
    assert.equal(sampleValue(m, 'xlive_webhook_deliveries_total', { result: 'delivered' }), 1);
  });

  it('gives up after N retries and goes on with the next event', async () => {
    const h = await harness({ retries: 2 }, (r) => (bodyOf(r).event.type === 'a.bad' ? 500 : 200));
    h.record('a.bad');
    h.record('b.good');
    const rs = await h.recv.waitFor(4);
    assert.deepEqual(rs.map((r) => bodyOf(r).event.type), ['a.bad', 'a.bad', 'a.bad', 'b.good']);
    await sleep(50);
    assert.equal(h.recv.received.length, 4);
    const m = await h.metrics();
    assert.equal(sampleValue(m, 'xlive_webhook_deliveries_total', { result: 'failed' }), 1);
    assert.equal(sampleValue(m, 'xlive_webhook_deliveries_total', { result: 'delivered' }), 1);
  });

  it('honours the timeout: an attempt without an answer is abandoned and retried', async () => {
    const h = await harness({ timeoutMs: 300, retries: 1, backoffMs: 10 }, (r) => (r.n === 1 ? 'hang' : 200));
    const t0 = Date.now();
    h.record('stream.started');
    const rs = await h.recv.waitFor(2);
    const gap = rs[1]!.at - rs[0]!.at;
    assert.ok(gap >= 290 && gap < 1500, `retried ${gap} ms after the first attempt`);
    await rs[0]!.closed; // the hung request's connection was closed by the client
    assert.ok(Date.now() - t0 < 3000);
    const m = await h.metrics();
    assert.equal(sampleValue(m, 'xlive_webhook_attempts_total', { outcome: 'timeout' }), 1);
  });

  it('treats 4xx as final (no retry)', async () => {
    const h = await harness({ retries: 3 }, () => 404);
    h.record('stream.started');
    await h.recv.waitFor(1);
    await sleep(150);
    assert.equal(h.recv.received.length, 1);
    assert.equal(sampleValue(await h.metrics(), 'xlive_webhook_deliveries_total', { result: 'failed' }), 1);
  });

  it('keeps a bounded queue: when full the oldest events are dropped and counted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = await harness({ queueSize: 3 }, (r) => (res) => {
      if (r.n === 1) void gate.then(() => res.writeHead(200).end());
      else res.writeHead(200).end();
    });
    for (let i = 1; i <= 10; i++) h.record(`e.n${i}`);
    await h.recv.waitFor(1);
    assert.equal(sampleValue(await h.metrics(), 'xlive_webhook_queue_length', {}), 3);
    release();
    const rs = await h.recv.waitFor(4);
    assert.deepEqual(rs.map((r) => bodyOf(r).event.type), ['e.n1', 'e.n8', 'e.n9', 'e.n10']);
    await sleep(50);
    assert.equal(h.recv.received.length, 4);
    assert.equal(sampleValue(await h.metrics(), 'xlive_webhook_dropped_total', {}), 6);
  });

  it('delivers only the types asked for', async () => {
    const h = await harness({ types: ['stream.*', 'viewer.dropped'] }, () => 200);
    for (const type of ['health.changed', 'stream.started', 'streamx.y', 'viewer.dropped', 'viewer.joined', 'stream.stopped']) h.record(type);
    await h.recv.waitFor(3);
    await sleep(100);
    assert.deepEqual(h.recv.received.map((r) => bodyOf(r).event.type), ['stream.started', 'viewer.dropped', 'stream.stopped']);
  });

  it('stop aborts the attempt in flight and delivers nothing more', async () => {
    const h = await harness({ retries: 5, timeoutMs: 10_000 }, () => 'hang');
    h.record('stream.started');
    h.record('stream.stopped');
    const [r] = await h.recv.waitFor(1);
    await h.instance.stop?.();
    await r!.closed;
    h.record('stream.started');
    await sleep(150);
    assert.equal(h.recv.received.length, 1);
  });

  it('refuses bad config with a coded error that does not echo the URL path', () => {
    for (const config of [{ urls: ['ftp://x/secret-path'] }, { urls: 'http://x' }, { retries: -1 }, { types: ['Stream Started'] }, { secret: '' }]) {
      const t = createTestContext<Record<string, unknown>>({ id: 'webhooks', manifestFrom: import.meta.url, config });
      assert.throws(
        () => createWebhooksPlugin().setup(t.ctx),
        (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID' && !e.message.includes('secret-path'),
        JSON.stringify(config),
      );
      t.release();
    }
  });

  it('does nothing without URLs', async () => {
    const t = createTestContext<Record<string, unknown>>({ id: 'webhooks', manifestFrom: import.meta.url, config: {} });
    const plugin = createWebhooksPlugin({ post: () => Promise.reject(new Error('must not post')) });
    const instance = plugin.setup(t.ctx) ?? {};
    t.commit();
    t.parts.events.record('core', { type: 'stream.started', message: 'x' });
    await instance.stop?.();
    t.release();
  });
});
