/**
 * WebSocket-FLV attacked on the real box (CLI `serve`, ffmpeg publishing): a real `ws` client plays;
 * oversize frames, fragmented garbage, unmasked frames, a slowloris upgrade and a flood of upgrades
 * each fail cleanly (a close code or a problem+json refusal, the socket ended), and the box keeps
 * serving other viewers throughout.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { readFlv } from 'xlive/media';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';
import { openFlood, requestFrom } from '../helpers/socket-flood.js';
import { waitUntil } from '../helpers/wait.js';
import { call, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { WsTestClient } from '../../plugins/http-flv/testing/ws-test-client.js';

const PW = 'correct horse battery';
const ENV = {
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0',
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20',
  // Upgrade request headers must arrive within 3 s (a slowloris upgrade is cut then).
  XLIVE_HTTP_REQUEST_TIMEOUT_MS: '3000',
  // One address may hold 40 connections (the flood below presses past it).
  XLIVE_CONNECTIONS_HTTP_MAX_PER_IP: '40',
};
const PATH = '/flv/live/wsattack.flv';

/** A real `ws` client: resolves with the bytes of the first `bytes` of FLV, then closes. */
async function playWithWs(port: number, bytes: number): Promise<Buffer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${PATH}`, { handshakeTimeout: 10_000 });
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${total} bytes in 15 s`)), 15_000);
      ws.on('message', (data: Buffer) => {
        chunks.push(data);
        total += data.byteLength;
        if (total >= bytes) {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks));
        }
      });
      ws.on('error', reject);
      ws.on('close', (code: number) => reject(new Error(`closed ${code} after ${total} bytes`)));
    });
  } finally {
    ws.terminate();
  }
}

describe('WebSocket-FLV attacks (real box, ffmpeg publisher, ws client)', { timeout: 180_000 }, () => {
  let app: ApplianceHandle;
  let admin: Creds;
  let pub: Peer;
  let port: number;
  const stillServing = async (what: string) => {
    assert.equal((await requestFrom(`${app.httpUrl}/healthz`, '127.0.0.1')).status, 200, `${what}: /healthz`);
    const flv = readFlv(await playWithWs(port, 64 * 1024));
    assert.ok(flv.tags.length > 0, `${what}: a ws viewer still gets FLV tags`);
  };
  const readers = async () => {
    const r = await call<{ readers?: number }>(app.httpUrl, 'GET', '/api/v1/streams/live/wsattack', admin);
    return r.status === 200 ? (r.body.readers ?? 0) : -1;
  };

  before(async () => {
    app = await startAppliance({ env: ENV });
    port = Number(new URL(app.httpUrl).port);
    admin = await signIn(app.httpUrl, 'admin', PW);
    const key = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/wsattack' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    pub = startPublisher(`${app.rtmpUrl}/live/${String(key.body['key'])}`, 150);
    await waitUntil('the stream to be live', async () => ((await readers()) >= 0 ? true : undefined), 30_000);
  });
  after(async () => {
    await pub?.stop();
    await app?.stop();
  });

  it('a real ws client plays: the FLV header, then whole tags (byte-compatible with mpegts.js)', async () => {
    const bytes = await playWithWs(port, 128 * 1024);
    assert.equal(bytes.subarray(0, 3).toString('latin1'), 'FLV');
    const flv = readFlv(bytes);
    assert.ok(flv.tags.some((t) => t.type === 9), 'video tags');
    assert.ok(flv.tags.some((t) => t.type === 8), 'audio tags');
  });

  it('an oversize client frame is closed with 1009; an unmasked one with 1002; fragmented garbage with 1002', async () => {
    const cases: Array<[string, (c: WsTestClient) => void, number]> = [
      ['a 1 MiB binary message', (c) => c.send(0x2, Buffer.alloc(1024 * 1024, 0x41)), 1009],
      ['an unmasked frame', (c) => c.send(0x2, Buffer.from('x'), { mask: false }), 1002],
      ['a continuation with no message started', (c) => c.send(0x0, Buffer.from('tail')), 1002],
      ['a fragmented ping', (c) => c.send(0x9, Buffer.from('p'), { fin: false }), 1002],
      ['a reserved opcode', (c) => c.send(0x3, Buffer.from('?')), 1002],
      ['random bytes', (c) => c.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x12, 0x34])), 1002],
    ];
    for (const [what, attack, code] of cases) {
      const { status, client } = await WsTestClient.open(port, PATH);
      assert.equal(status, 101, what);
      await client!.waitFor((m) => m.length >= 1);
      attack(client!);
      await client!.waitClosed(10_000);
      assert.equal(client!.closeFrame()?.code, code, what);
    }
    await waitUntil('the attackers to leave the stream', async () => ((await readers()) === 0 ? true : undefined), 10_000);
    await stillServing('after malformed frames');
  });

  it('a slowloris upgrade (headers never finished) is cut by the request timeout', async () => {
    const flood = await openFlood(port, 20, {
      localAddress: '127.0.0.21',
      write: `GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Ver`,
    });
    try {
      await stillServing('while 20 upgrades hang');
      // Node checks header timeouts every 30 s: cut within the timeout plus one check.
      await waitUntil('the hanging upgrades to be cut', () => (flood.closedByServer === 20 ? true : undefined), 45_000, 250);
    } finally {
      flood.stop();
    }
    await stillServing('after the slowloris upgrades');
  });

  it('a flood of upgrades from one address: past the per-address cap 503 CONNECTION_LIMIT before any 101; others keep watching', async () => {
    const attempts = 120;
    const answers = await Promise.all(
      Array.from({ length: attempts }, () =>
        new Promise<{ status: number; body: string; sock: import('node:net').Socket }>((resolve) => {
          const sock = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.22' }, () =>
            sock.write(`GET ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`));
          let buf = Buffer.alloc(0);
          const done = () => resolve({ status: Number(buf.toString('latin1').split(' ')[1] ?? 0), body: buf.toString('latin1'), sock });
          const timer = setTimeout(done, 10_000);
          sock.on('data', (d: Buffer) => {
            buf = Buffer.concat([buf, d]);
            const head = buf.indexOf('\r\n\r\n');
            if (head >= 0 && (buf.toString('latin1').startsWith('HTTP/1.1 101') || sock.readableEnded)) {
              clearTimeout(timer);
              done();
            }
          });
          sock.on('close', () => {
            clearTimeout(timer);
            done();
          });
          sock.on('error', () => undefined);
        }),
      ),
    );
    try {
      const statuses = answers.map((a) => a.status);
      assert.ok(statuses.includes(101), 'some upgrades (up to the cap) are accepted');
      const refused = answers.filter((a) => a.status === 503);
      assert.ok(refused.length > 0, `past the per-address cap the rest are refused (${[...new Set(statuses)].join(',')})`);
      for (const r of refused) {
        assert.match(r.body, /application\/problem\+json/);
        assert.match(r.body, /"code":"CONNECTION_LIMIT"/);
        assert.ok(!r.body.includes('HTTP/1.1 101'), 'refused before any 101');
      }
      assert.deepEqual(new Set(statuses.filter((s) => s !== 101 && s !== 503)), new Set(), 'every upgrade got an answer');
      await stillServing('during an upgrade flood');
    } finally {
      for (const a of answers) a.sock.destroy();
    }
    await waitUntil('the flood to leave the stream', async () => ((await readers()) === 0 ? true : undefined), 10_000);
    await sleep(100);
    await stillServing('after an upgrade flood');
  });
});
