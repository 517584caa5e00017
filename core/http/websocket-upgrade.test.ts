/**
 * WebSocket upgrades through the app on a real HttpServer: keepalive drops a client that never
 * answers pings and keeps one that does; a client message over the cap closes 1009; a handler that
 * answers without accepting is a 404 problem+json, never a 101.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { silentLogger } from '../logging/logger.js';
import { createHttpApp } from './http-app.js';
import { HttpServer } from './http-server.js';
import { RouteTable } from './route-table.js';
import { acceptWebSocket, WS_MAX_CLIENT_MESSAGE_BYTES } from './websocket-upgrade.js';
import { waitUntil } from '../../test/helpers/wait.js';

const HANDSHAKE = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

/** A raw client that completes the handshake and then never answers anything. */
async function rawClient(port: number, path: string): Promise<{ socket: Socket; text: () => string; closed: () => boolean }> {
  const socket = connect(port, '127.0.0.1');
  let buf = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (d: Buffer) => (buf = Buffer.concat([buf, d])));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(HANDSHAKE(path));
  return { socket, text: () => buf.toString('latin1'), closed: () => closed };
}

describe('WebSocket upgrades through the app', () => {
  const app = createHttpApp({ log: silentLogger() });
  const received: number[] = [];
  app.get('/ws', (c) => acceptWebSocket(c, (ws) => ws.on('message', (data: Buffer) => void received.push(data.byteLength)), silentLogger()));
  app.get('/plain', (c) => c.text('not a websocket'));
  const server = new HttpServer(app, new RouteTable(), { host: '127.0.0.1', port: 0, requestTimeoutMs: 30_000, wsPingIntervalMs: 100 }, silentLogger());
  let port = 0;

  before(async () => {
    await server.start();
    port = server.port!;
  });
  after(() => server.stop());

  it('keepalive: a client that never answers a ping is dropped; one that does stays open', async () => {
    const silent = await rawClient(port, '/ws');
    const polite = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise<void>((resolve, reject) => polite.once('open', () => resolve()).once('error', reject));
    try {
      await waitUntil('the silent client to be dropped', () => (silent.closed() ? true : undefined), 5000, 50);
      assert.match(silent.text(), /^HTTP\/1\.1 101 /);
      assert.ok(silent.text().includes('\x89\x00'), 'it was pinged');
      await sleep(500);
      assert.equal(polite.readyState, WebSocket.OPEN, 'a client answering pings (ws does) is kept');
    } finally {
      silent.socket.destroy();
      polite.terminate();
    }
  });

  it(`a client message over ${WS_MAX_CLIENT_MESSAGE_BYTES} bytes closes 1009; a small one is delivered`, async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(Buffer.alloc(100));
    await waitUntil('the small message', () => (received.includes(100) ? true : undefined), 2000, 20);
    ws.send(Buffer.alloc(WS_MAX_CLIENT_MESSAGE_BYTES + 1));
    assert.equal(await closed, 1009);
    assert.ok(!received.includes(WS_MAX_CLIENT_MESSAGE_BYTES + 1));
  });

  it('an upgrade to a route that does not accept it gets a 404 problem+json, never a 101', async () => {
    const c = await rawClient(port, '/plain');
    await waitUntil('the refusal', () => (c.closed() ? true : undefined), 5000, 20);
    assert.match(c.text(), /^HTTP\/1\.1 404 /);
    assert.match(c.text(), /application\/problem\+json/);
    assert.match(c.text(), /no WebSocket endpoint at \/plain/);
    const missing = await rawClient(port, '/nowhere');
    await waitUntil('the refusal', () => (missing.closed() ? true : undefined), 5000, 20);
    assert.match(missing.text(), /^HTTP\/1\.1 404 [\s\S]*"code":"NOT_FOUND"/);
  });
});
