/** WebSocket-FLV over real sockets, through a raw-socket client. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FlvFixture } from './testing/flv-fixture.js';

const { harness, until, pushAll } = await import('./testing/plugin-harness.js');
const { makeFlvFixture, startPublish } = await import('./testing/flv-fixture.js');
const { readFlv } = await import('xlive/media');
const { WsTestClient } = await import('./testing/ws-test-client.js');
type Harness = Awaited<ReturnType<typeof harness>>;

let fixture: FlvFixture;
before(async () => {
  fixture = await makeFlvFixture(3);
});

describe('http-flv plugin: WebSocket-FLV', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ queueBytes: 16 * 1024 * 1024, queueMs: 60_000 });
  });
  after(() => h.close());

  it('streams FLV as binary messages, answers ping, and closes on the client close', async () => {
    const pub = h.t.hub.publish('live/w', { protocol: 'test' });
    const media = startPublish(pub, fixture);
    const { status, client } = await WsTestClient.open(h.port, '/flv/live/w.flv');
    assert.equal(status, 101);
    const c = client!;
    await c.waitFor((m) => m.length >= 1);
    assert.equal(c.messages[0]!.opcode, 2);
    assert.equal(c.messages[0]!.payload.subarray(0, 3).toString(), 'FLV', 'the stream starts with the FLV header');
    await pushAll(pub, media.slice(0, 60));
    const received = () => readFlv(Buffer.concat(c.messages.filter((x) => x.opcode === 2).map((x) => x.payload)));
    await c.waitFor(() => received().tags.length >= fixture.metadata.length + 2 + 60);
    const flv = received();
    assert.equal(flv.tags.length, fixture.metadata.length + 2 + 60);
    assert.equal(c.messages.length, flv.tags.length, 'one binary message per tag (the header rides with the first)');
    c.send(0x9, Buffer.from('are you there'));
    await c.waitFor((m) => m.some((x) => x.opcode === 0xa));
    assert.equal(c.messages.find((x) => x.opcode === 0xa)!.payload.toString(), 'are you there');
    c.send(0x8, Buffer.from([0x03, 0xe8]));
    await c.waitClosed();
    assert.deepEqual(c.closeFrame(), { code: 1000, reason: '' });
    await until(() => h.t.hub.get('live/w')?.readers === 0, 'the reader to leave');
    pub.close();
  });

  it('closes with 1002 on an unmasked client frame', async () => {
    const pub = h.t.hub.publish('live/bad', { protocol: 'test' });
    const { client } = await WsTestClient.open(h.port, '/flv/live/bad.flv');
    client!.send(0x2, Buffer.from('x'), { mask: false });
    await client!.waitClosed();
    assert.equal(client!.closeFrame()?.code, 1002);
    await until(() => h.t.hub.get('live/bad')?.readers === 0, 'the reader to leave');
    pub.close();
  });

  it('closes with 1000 when the stream ends', async () => {
    const pub = h.t.hub.publish('live/end', { protocol: 'test' });
    const { client } = await WsTestClient.open(h.port, '/flv/live/end.flv');
    await client!.waitFor((m) => m.length >= 1);
    pub.close();
    await client!.waitClosed();
    assert.deepEqual(client!.closeFrame(), { code: 1000, reason: 'stream-ended' });
  });

  it('refuses an unknown stream with a problem+json 404 and a bad handshake with 400/426, before any 101', async () => {
    const missing = await WsTestClient.open(h.port, '/flv/live/none.flv');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json');
    assert.equal(JSON.parse(missing.body).code, 'STREAM_NOT_FOUND');
    assert.match(missing.body, /not being published/);
    const version = await WsTestClient.open(h.port, '/flv/live/none.flv', { 'Sec-WebSocket-Version': '8' });
    assert.equal(version.status, 426);
    assert.equal(version.headers['sec-websocket-version'], '13');
    assert.equal(JSON.parse(version.body).code, 'WS_VERSION_UNSUPPORTED');
    const noKey = await WsTestClient.open(h.port, '/flv/live/none.flv', { 'Sec-WebSocket-Key': '' });
    assert.equal(noKey.status, 400);
    assert.equal(JSON.parse(noKey.body).code, 'WS_HANDSHAKE_INVALID');
    const notWs = await WsTestClient.open(h.port, '/flv/live/none.flv', { Upgrade: 'h2c' });
    assert.equal(notWs.status, 400);
    assert.equal(JSON.parse(notWs.body).code, 'WS_HANDSHAKE_INVALID');
    const elsewhere = await WsTestClient.open(h.port, '/healthz');
    assert.equal(elsewhere.status, 404, 'a route that is not a WebSocket endpoint');
  });
});

