import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { once } from 'node:events';
import { silentLogger } from 'xlive/sdk/testing';

const { WebSocketConnection } = await import('./websocket-connection.js');

/** A connected TCP pair on 127.0.0.1: [server side, client side]. */
async function pair(): Promise<{ server: Socket; client: Socket; close(): void }> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const accepted = once(srv, 'connection');
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  const [server] = (await accepted) as [Socket];
  return {
    server,
    client,
    close: () => {
      client.destroy();
      server.destroy();
      srv.close();
    },
  };
}

function collect(s: Socket): () => Buffer {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks);
}

describe('WebSocketConnection', () => {
  it('sends a binary message as an unmasked frame of the given chunks', async () => {
    const p = await pair();
    try {
      const got = collect(p.client);
      const conn = new WebSocketConnection(p.server, { log: silentLogger() });
      assert.equal(conn.sendBinary([Buffer.from('FL'), Buffer.from('V')]), true);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(got(), Buffer.from([0x82, 3, 0x46, 0x4c, 0x56]));
    } finally {
      p.close();
    }
  });

  it('sends close, and drops a peer that never completes the closing handshake', async () => {
    const p = await pair();
    try {
      const got = collect(p.client);
      p.client.on('end', () => undefined); // half-open peer: reads but never answers
      const conn = new WebSocketConnection(p.server, { log: silentLogger(), closeTimeoutMs: 100 });
      let closed = 0;
      conn.onClose(() => closed++);
      conn.close(1001, 'bye');
      assert.equal(conn.isOpen, false);
      assert.equal(conn.sendBinary([Buffer.from('late')]), true, 'writes after close are dropped');
      await once(p.server, 'close');
      assert.equal(closed, 1);
      assert.deepEqual(got().subarray(0, 7), Buffer.from([0x88, 5, 0x03, 0xe9, 0x62, 0x79, 0x65]));
    } finally {
      p.close();
    }
  });

  it('answers a close frame with a close echoing its code, and reports the end once', async () => {
    const p = await pair();
    try {
      const got = collect(p.client);
      const conn = new WebSocketConnection(p.server, { log: silentLogger() });
      let closed = 0;
      conn.onClose(() => closed++);
      // Masked close 1000 (mask 0x00000000 keeps the bytes readable), then the peer ends.
      p.client.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8]));
      await once(p.client, 'end');
      p.client.end();
      await once(p.server, 'close');
      assert.deepEqual(got(), Buffer.from([0x88, 2, 0x03, 0xe8]));
      assert.equal(closed, 1);
    } finally {
      p.close();
    }
  });
});
