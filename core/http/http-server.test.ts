/** HttpServer with a connection guard: requests make sockets established, keep-alive makes them idle, reserved slots for priority paths. */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../logging/logger.js';
import { ConnectionGuard } from '../net/connection-guard.js';
import { createHttpApp } from './http-app.js';
import { HttpServer } from './http-server.js';
import { RouteTable } from './route-table.js';
import { waitUntil } from '../../test/helpers/wait.js';

function get(port: number, path: string, localAddress: string, agent: Agent | false = false): Promise<{ status: number; body: () => string; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress, agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, body: () => body, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('http server connection admission', () => {
  const refusals: string[] = [];
  // 20 total, 6 idle, 4 reserved: 10 ordinary established, 14 for priority paths.
  const guard = new ConnectionGuard('http', { maxTotal: 20, maxIdleTotal: 6, maxPerIp: 100, maxIdlePerIp: 6, reserved: 4 }, { refused: (_l, reason) => void refusals.push(reason) });
  const app = createHttpApp({ bodyLimitBytes: 1024, log: silentLogger() });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/short', (c) => c.text('hi'));
  // A response that never ends, like an HTTP-FLV viewer.
  app.get('/stream', () => new Response(new ReadableStream({ start: (ctl) => ctl.enqueue(new TextEncoder().encode('x')) })));
  const server = new HttpServer(app, new RouteTable(), { host: '127.0.0.1', port: 0, requestTimeoutMs: 30_000, guard, priorityPaths: ['/healthz'] }, silentLogger());
  let port = 0;
  const open: Array<{ close(): void }> = [];

  before(async () => {
    await server.start();
    port = server.port!;
  });
  after(async () => {
    for (const o of open) o.close();
    await server.stop();
  });

  it('a streaming response keeps its socket established; past the budget ordinary requests get 503 CONNECTION_LIMIT, priority paths still 200', async () => {
    for (let i = 0; i < 10; i++) {
      const v = await get(port, '/stream', `127.0.0.${2 + (i % 3)}`);
      open.push(v);
      assert.equal(v.status, 200);
    }
    assert.equal(guard.counts().established, 10);
    const refused = await get(port, '/short', '127.0.0.9');
    assert.equal(refused.status, 503);
    await sleep(50);
    const problem = JSON.parse(refused.body()) as { code: string; detail: string };
    assert.equal(problem.code, 'CONNECTION_LIMIT');
    assert.match(problem.detail, /connection limit/);
    assert.ok(refusals.includes('total'));
    const health = await get(port, '/healthz', '127.0.0.9');
    assert.equal(health.status, 200, 'the reserved slots serve health checks');
  });

  it('after a keep-alive response the socket is idle again (evictable), not established', async () => {
    for (const o of open.splice(0)) o.close();
    await waitUntil('streams to end', () => guard.counts().established === 0, 3000, 10);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const r = await get(port, '/short', '127.0.0.7', agent);
    assert.equal(r.status, 200);
    await waitUntil('the keep-alive socket to count as idle', () => guard.counts().idle >= 1 && guard.counts().established === 0, 3000, 10);
    agent.destroy();
  });
});
