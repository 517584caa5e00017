/** The plugin entry: admission (auth, viewer cap) over HTTP-FLV and WebSocket-FLV. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthApi } from 'xlive/sdk';

const { harness, fetchFlv, until } = await import('./testing/plugin-harness.js');
const { WsTestClient } = await import('./testing/ws-test-client.js');

describe('http-flv plugin: admission', () => {
  it('asks auth for a stream credential with the query, and refuses with 403', async () => {
    const seen: unknown[] = [];
    const auth: AuthApi = {
      register: () => undefined,
      authenticate: async (c) => (seen.push(c), { id: 'viewer', kind: 'anonymous', scopes: [] }),
      authorize: async (_p, resource, action) => resource === 'stream:live/ok' && action === 'read',
    };
    const h = await harness({}, { auth });
    try {
      h.t.hub.publish('live/ok', { protocol: 'test' });
      h.t.hub.publish('live/secret', { protocol: 'test' });
      const denied = await fetchFlv(h.port, '/flv/live/secret.flv?token=abc');
      assert.equal(denied.res.statusCode, 403);
      assert.match((await denied.body).toString(), /FORBIDDEN/);
      assert.deepEqual({ ...(seen[0] as object), remote: undefined }, { type: 'stream', app: 'live', name: 'secret', query: { token: 'abc' }, action: 'read', remote: undefined });
      assert.match((seen[0] as { remote: string }).remote, /^127\.0\.0\.1:\d+$/);
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

