/** The plugin entry: admission (auth, viewer cap) over HTTP-FLV and WebSocket-FLV. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GateRequest } from 'xlive/sdk';

const { harness, fetchFlv, until } = await import('./testing/plugin-harness.js');
const { WsTestClient } = await import('./testing/ws-test-client.js');

describe('http-flv plugin: admission', () => {
  it('asks the play gates with the query, and refuses with a 403 naming the gate and its reason', async () => {
    const seen: GateRequest[] = [];
    const gate = (req: GateRequest) => (seen.push(req), req.path === 'live/ok' ? { allow: true as const } : { allow: false as const, reason: 'not on the guest list' });
    const h = await harness({}, { gate });
    try {
      h.t.hub.publish('live/ok', { protocol: 'test' });
      h.t.hub.publish('live/secret', { protocol: 'test' });
      const denied = await fetchFlv(h.port, '/flv/live/secret.flv?token=abc');
      assert.equal(denied.res.statusCode, 403);
      const problem = JSON.parse((await denied.body).toString()) as Record<string, unknown>;
      assert.equal(problem['code'], 'FORBIDDEN');
      assert.deepEqual([problem['gate'], problem['reason']], ['test', 'not on the guest list']);
      assert.match(String(problem['detail']), /refused by test: not on the guest list/);
      const first = seen[0]!;
      assert.deepEqual({ action: first.action, protocol: first.protocol, app: first.app, name: first.name, query: { ...first.query }, token: first.token, ip: first.ip }, { action: 'play', protocol: 'http-flv', app: 'live', name: 'secret', query: { token: 'abc' }, token: 'abc', ip: '127.0.0.1' });
      assert.match(first.remote, /^127\.0\.0\.1:\d+$/);
      const ws = await WsTestClient.open(h.port, '/flv/live/secret.flv?token=abc');
      assert.equal(ws.status, 403);
      const ok = await fetchFlv(h.port, '/flv/live/ok.flv');
      assert.equal(ok.res.statusCode, 200);
      ok.res.destroy();
    } finally {
      await h.close();
    }
  });

  it('refuses viewers over maxViewers with 503, over HTTP and WebSocket', async () => {
    const h = await harness({ maxViewers: 1 });
    try {
      h.t.hub.publish('live/a', { protocol: 'test' });
      const first = await fetchFlv(h.port, '/flv/live/a.flv');
      assert.equal(first.res.statusCode, 200);
      const second = await fetchFlv(h.port, '/flv/live/a.flv');
      assert.equal(second.res.statusCode, 503);
      await second.body;
      const ws = await WsTestClient.open(h.port, '/flv/live/a.flv');
      assert.equal(ws.status, 503);
      first.res.destroy();
      await until(() => h.t.hub.get('live/a')?.readers === 0, 'the first viewer to leave');
      const third = await fetchFlv(h.port, '/flv/live/a.flv');
      assert.equal(third.res.statusCode, 200, 'a slot frees when a viewer leaves');
      third.res.destroy();
    } finally {
      await h.close();
    }
  });

  it('reconfigure: a raised viewer cap applies live; the queue budgets wait for a restart', async () => {
    const h = await harness({ maxViewers: 1 });
    try {
      h.t.hub.publish('live/a', { protocol: 'test' });
      const first = await fetchFlv(h.port, '/flv/live/a.flv');
      assert.equal(first.res.statusCode, 200);
      assert.deepEqual(await h.instance.reconfigure!({ maxViewers: 2, queueMs: 500 }, { maxViewers: 1 }), ['queueMs']);
      const second = await fetchFlv(h.port, '/flv/live/a.flv');
      assert.equal(second.res.statusCode, 200, 'the second viewer fits the new cap');
      first.res.destroy();
      second.res.destroy();
    } finally {
      await h.close();
    }
  });
});

