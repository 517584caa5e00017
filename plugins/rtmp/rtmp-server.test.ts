import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestHub, recordingLogger, SeededRandom, testGateChain, type TestHub } from 'xlive/sdk/testing';
import type { RtmpTestClient as Client } from './testing/rtmp-test-client.js';

const { RtmpServer } = await import('./rtmp-server.js');
const { RtmpTestClient } = await import('./testing/rtmp-test-client.js');
const { encodeAmf0, EcmaArray } = await import('xlive/media');
const { MessageType } = await import('./codec/chunk-writer.js');
const { pingRequest } = await import('./codec/messages.js');
type RtmpServerT = InstanceType<typeof RtmpServer>;

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const SPS = '6764001eacd940a02ff970110000030001000003003c0f162d96';
const AVCC = `01 64 00 1e ff e1 001a ${SPS} 01 0006 68ebe3cb22c0`;
const MEDIA = {
  meta: encodeAmf0(['@setDataFrame', 'onMetaData', new EcmaArray({ width: 640, height: 360, framerate: 30 })]),
  videoSeq: hex('17 00 000000' + AVCC),
  audioSeq: hex('af 00 1210'),
  key: hex('17 01 000000 00000002 6588'),
  inter: hex('27 01 000000 00000002 419a'),
  audio: hex('af 01 21 00 49'),
};

/** A gate that records every request; keys: `bad` is refused, `secret` maps to live/stage, `ro` may only read. */
function recordingGates(hub: TestHub) {
  const t = testGateChain(hub);
  t.gate((req) => {
    const key = req.query['key'] ?? req.name;
    if (key === 'bad') return { allow: false, reason: 'unknown stream key' };
    if (key === 'secret') return { allow: true, path: 'live/stage' };
    if (key === 'ro' && req.action === 'publish') return { allow: false, reason: 'this key may only read' };
    return { allow: true };
  });
  return t;
}

const servers: RtmpServerT[] = [];
after(async () => {
  for (const s of servers) await s.stop();
});

async function start(config: Record<string, number> = {}) {
  const hub = createTestHub();
  const auth = recordingGates(hub);
  const { log, lines: logs, find: line } = recordingLogger({ prefixes: ['rtmp'] });
  const server = new RtmpServer({ host: '127.0.0.1', port: 0, ...config }, { streams: hub, gates: auth.chain, log });
  servers.push(server);
  const { port } = await server.start();
  return { server, hub, auth, port, logs, line };
}

async function publisher(port: number, name: string, app = 'live'): Promise<{ c: Client; id: number; info: Record<string, unknown> }> {
  const c = await RtmpTestClient.open(port);
  await c.connectApp(app);
  const id = await c.createStream();
  const info = await c.publish(id, name);
  return { c, id, info };
}

function sendMedia(c: Client, id: number, ts: number, typeId: number, payload: Buffer): void {
  c.send({ csid: typeId === MessageType.Audio ? 4 : typeId === MessageType.Video ? 6 : 5, typeId, streamId: id, timestamp: ts, payload });
}

function waitUntil(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const t0 = Date.now();
  return (async () => {
    while (!cond()) {
      if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
      await sleep(10);
    }
  })();
}

describe('rtmp server: publish and play', () => {
  it('relays metadata, sequence headers and frames byte for byte to a player', async () => {
    const { hub, port } = await start();
    const { c: pub, id, info } = await publisher(port, 'cam');
    assert.equal(info.code, 'NetStream.Publish.Start');
    pub.setChunkSize(4096);
    sendMedia(pub, id, 0, MessageType.DataAmf0, MEDIA.meta);
    sendMedia(pub, id, 0, MessageType.Video, MEDIA.videoSeq);
    sendMedia(pub, id, 0, MessageType.Audio, MEDIA.audioSeq);
    sendMedia(pub, id, 40, MessageType.Video, MEDIA.key);
    await waitUntil(() => hub.get('live/cam')?.media.video?.width === 640);
    assert.deepEqual(hub.get('live/cam')!.media, {
      video: { codec: 'h264', width: 640, height: 360, profile: 'High' },
      audio: { codec: 'aac', sampleRate: 44100, channels: 2 },
    });

    const player = await RtmpTestClient.open(port, { digest: true });
    await player.connectApp('live');
    const pid = await player.createStream();
    assert.equal((await player.play(pid, 'cam')).code, 'NetStream.Play.Reset');
    await player.waitFor((m) => m.typeId === MessageType.CommandAmf0 && (RtmpTestClient.values(m)[3] as { code?: string })?.code === 'NetStream.Play.Start');
    sendMedia(pub, id, 60, MessageType.Audio, MEDIA.audio);
    sendMedia(pub, id, 73, MessageType.Video, MEDIA.inter);
    const last = await player.waitFor((m) => m.typeId === MessageType.Video && m.timestamp === 73);
    assert.deepEqual(last.payload, MEDIA.inter);
    const media = player.received.filter((m) => m.streamId === pid && [8, 9, 18].includes(m.typeId));
    const kinds = media.map((m) => (m.typeId === 18 ? String(RtmpTestClient.values(m)[0]) : m.payload.subarray(0, 2).toString('hex')));
    assert.deepEqual(kinds, ['|RtmpSampleAccess', 'onMetaData', '1700', 'af00', '1701', 'af01', '2701']);
    const meta = media.find((m) => m.typeId === 18 && RtmpTestClient.values(m)[0] === 'onMetaData')!;
    assert.deepEqual(meta.payload, encodeAmf0(['onMetaData', new EcmaArray({ width: 640, height: 360, framerate: 30 })]));
    assert.equal(meta.timestamp, 0, 'metadata at timestamp 0');
    pub.close();
    await player.waitFor((m) => m.typeId === MessageType.UserControl && m.payload.readUInt16BE(0) === 1);
    await player.closed;
  });

  it('refuses a second publisher on the same path, then accepts a republish after disconnect', async () => {
    const { port, line } = await start();
    const first = await publisher(port, 'dup');
    const second = await publisher(port, 'dup');
    assert.equal(second.info.code, 'NetStream.Publish.BadName');
    assert.match(String(second.info.description), /already publishing/);
    await second.c.closed;
    assert.ok(line(/\[conn 127\.0\.0\.1:\d+\] closing: publish live\/dup refused: live\/dup is already publishing/));
    first.c.close();
    await first.c.closed;
    await sleep(20);
    const third = await publisher(port, 'dup');
    assert.equal(third.info.code, 'NetStream.Publish.Start');
    third.c.close();
  });

  it('ends a publish on deleteStream and lets the connection publish again', async () => {
    const { hub, port } = await start();
    const { c, id } = await publisher(port, 'again');
    c.command('FCUnpublish', null, ['again']);
    c.command('deleteStream', null, [id]);
    await waitUntil(() => hub.get('live/again') === undefined);
    const id2 = await c.createStream();
    assert.equal((await c.publish(id2, 'again')).code, 'NetStream.Publish.Start');
    c.close();
  });

  it('takes Enhanced RTMP (hvc1) and passes it through unchanged', async () => {
    const { hub, port } = await start();
    const { c: pub, id } = await publisher(port, 'hevc');
    const seq = hex('90 68766331 01 02 03');
    const key = hex('91 68766331 000000 00000002 2601');
    sendMedia(pub, id, 0, MessageType.Video, seq);
    sendMedia(pub, id, 0, MessageType.Video, key);
    await waitUntil(() => hub.get('live/hevc')?.media.video?.codec === 'h265');
    const player = await RtmpTestClient.open(port);
    await player.connectApp('live');
    const pid = await player.createStream();
    await player.play(pid, 'hevc');
    const got = await player.waitFor((m) => m.typeId === MessageType.Video && m.payload[0] === 0x91);
    assert.deepEqual(got.payload, key);
    assert.ok(player.received.some((m) => m.typeId === MessageType.Video && m.payload.equals(seq)));
    pub.close();
    player.close();
  });

  it('closes a connection that breaks the chunk stream, with a log line naming peer and reason', async () => {
    const { port, line } = await start();
    const c = await RtmpTestClient.open(port);
    c.socket.write(hex('02 000000 000004 01 00000000 00000000'));
    await c.closed;
    const l = line(/\[conn 127\.0\.0\.1:\d+\] closing: protocol error: invalid chunk size 0/);
    assert.ok(l);
    assert.equal(l.level, 'warn');
  });

  it('answers play of an unknown stream with Play.StreamNotFound and keeps the connection', async () => {
    const { port } = await start();
    const c = await RtmpTestClient.open(port);
    await c.connectApp('live');
    const id = await c.createStream();
    assert.equal((await c.play(id, 'nothing')).code, 'NetStream.Play.StreamNotFound');
    assert.equal((await c.result(c.command('getStreamLength', null, ['nothing'])))[3], 0);
    assert.ok(c.isOpen);
    c.close();
  });
});

describe('rtmp server: auth', () => {
  it('passes the stream key from the name and from ?key= to the gates', async () => {
    const { port, auth, hub } = await start();
    const a = await publisher(port, 'plainkey');
    const b = await publisher(port, 'cam2?key=k2&x=1');
    assert.deepEqual(
      auth.seen.map((c) => ({ app: c.app, name: c.name, query: { ...c.query } })),
      [
        { app: 'live', name: 'plainkey', query: {} },
        { app: 'live', name: 'cam2', query: { key: 'k2', x: '1' } },
      ],
    );
    assert.ok(hub.get('live/plainkey') && hub.get('live/cam2'));
    a.c.close();
    b.c.close();
  });

  it('publishes at the path a gate maps a key to', async () => {
    const { port, hub } = await start();
    const { c, info } = await publisher(port, 'secret');
    assert.equal(info.code, 'NetStream.Publish.Start');
    assert.ok(hub.get('live/stage'));
    c.close();
  });

  it('refuses a wrong key with Publish.Denied, a log line naming peer and reason, and a close', async () => {
    const { port, line } = await start();
    const { c, info } = await publisher(port, 'cam?key=bad');
    assert.equal(info.code, 'NetStream.Publish.Denied');
    await c.closed;
    const l = line(/refused: refused by test: unknown stream key/);
    assert.ok(l, 'log line');
    assert.match(l.prefixes.join(' '), /conn 127\.0\.0\.1:\d+/);
    assert.equal(l.level, 'warn');
  });

  it('refuses publishing without permission and invalid paths', async () => {
    const { port } = await start();
    assert.equal((await publisher(port, 'ro')).info.code, 'NetStream.Publish.Denied');
    assert.equal((await publisher(port, 'bad..name')).info.code, 'NetStream.Publish.BadName');
    assert.equal((await publisher(port, '')).info.code, 'NetStream.Publish.BadName');
  });

  it('refuses play with bad credentials with Play.Failed and sends ?token= to the gates', async () => {
    const { port, auth } = await start();
    const c = await RtmpTestClient.open(port);
    await c.connectApp('live');
    const id = await c.createStream();
    assert.equal((await c.play(id, 'cam?token=bad&key=bad')).code, 'NetStream.Play.Failed');
    await c.closed;
    const last = auth.seen.at(-1)!;
    assert.ok(last.action === 'play' && last.token === 'bad');
  });
});

describe('rtmp server: limits and hostile peers', () => {
  it('closes a connection that does not finish the handshake in time', async () => {
    const { port, line } = await start({ handshakeTimeoutMs: 150 });
    const s = connect({ host: '127.0.0.1', port });
    s.write(Buffer.from([3, 1, 2, 3]));
    await new Promise((r) => s.once('close', r));
    assert.ok(line(/handshake not completed within 150 ms/));
  });

  it('closes idle connections', async () => {
    const { port, line } = await start({ idleTimeoutMs: 200 });
    const c = await RtmpTestClient.open(port);
    await c.closed;
    assert.ok(line(/idle for 200 ms/));
  });

  it('refuses connections over maxConnections and publishes over maxStreams', async () => {
    const { port, server } = await start({ maxConnections: 2, maxStreams: 1 });
    const a = await publisher(port, 'one');
    const b = await publisher(port, 'two');
    assert.equal(b.info.code, 'NetStream.Publish.BadName');
    assert.match(String(b.info.description), /too many streams/);
    await b.c.closed;
    await waitUntil(() => server.connectionCount === 1);
    const c = await RtmpTestClient.open(port);
    await assert.rejects(RtmpTestClient.open(port), /closed during handshake|ECONNRESET/);
    assert.equal(server.connectionCount, 2);
    a.c.close();
    c.close();
  });

  it('answers pings, acknowledges each window, and closes on commands before connect', async () => {
    const { port } = await start({ ackWindow: 2000 });
    const c = await RtmpTestClient.open(port);
    c.send(pingRequest(1234));
    const pong = await c.waitFor((m) => m.typeId === MessageType.UserControl && m.payload.readUInt16BE(0) === 7);
    assert.equal(pong.payload.readUInt32BE(2), 1234);
    const connected = await c.connectApp('live', { fourCcList: ['hvc1', 'av01'] });
    assert.deepEqual((connected[2] as { fourCcList?: string[] }).fourCcList, ['hvc1', 'av01'], 'E-RTMP fourCcList echoed');
    c.send({ csid: 5, typeId: 18, streamId: 0, timestamp: 0, payload: encodeAmf0(['noop', 'x'.repeat(3000)]) });
    const ack = await c.waitFor((m) => m.typeId === MessageType.Acknowledgement);
    assert.ok(ack.payload.readUInt32BE(0) >= 2000);
    c.close();
    const early = await RtmpTestClient.open(port);
    early.command('createStream', null);
    await early.closed;
  });

  it('lists and kicks connections; stop() unpublishes everyone', async () => {
    const { port, server, hub } = await start();
    const { c } = await publisher(port, 'listed');
    const [info] = server.list();
    assert.equal(info!.role, 'publisher');
    assert.equal(info!.path, 'live/listed');
    assert.ok(server.kick(info!.id));
    await c.closed;
    await waitUntil(() => hub.get('live/listed') === undefined);
    const again = await publisher(port, 'listed');
    await server.stop();
    await again.c.closed;
    assert.equal(hub.get('live/listed'), undefined);
    assert.equal(server.listening, false);
  });

  it('survives random bytes from 80 connections and still serves a real client', async () => {
    const { port, server, hub } = await start({ handshakeTimeoutMs: 300, idleTimeoutMs: 1000 });
    const rnd = new SeededRandom(2024);
    const valid = await RtmpTestClient.open(port); // one good client holds on throughout
    await valid.connectApp('live');
    const keepAlive = setInterval(() => valid.send(pingRequest(1)), 250);
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const s = connect({ host: '127.0.0.1', port });
          s.on('error', () => undefined);
          await new Promise((r) => s.once('connect', r));
          if (i % 2 === 0) {
            // A proper handshake, then garbage chunk stream bytes.
            const c0c1 = Buffer.concat([Buffer.from([3]), rnd.bytes(1536)]);
            c0c1.writeUInt32BE(0, 5);
            s.write(c0c1);
            s.write(rnd.bytes(1536));
          }
          s.write(rnd.bytes(1 + rnd.int(5000)));
          await Promise.race([new Promise((r) => s.once('close', r)), sleep(1500)]);
          s.destroy();
        }),
      );
    }
    await waitUntil(() => server.connectionCount <= 1, 3000);
    const { c, info } = await publisher(port, 'afterfuzz');
    assert.equal(info.code, 'NetStream.Publish.Start');
    assert.ok(hub.get('live/afterfuzz'));
    assert.ok(valid.isOpen);
    clearInterval(keepAlive);
    c.close();
    valid.close();
  });
});
