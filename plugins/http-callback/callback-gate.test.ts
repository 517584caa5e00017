import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestHub, silentLogger, testGateChain } from 'xlive/sdk/testing';
import { postCallback } from './callback-client.js';
import { callbackGate, type CallbackBody } from './callback-gate.js';
import { resolveConfig } from './config.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A callback receiver on 127.0.0.1:0 whose answer each test sets. */
let server: Server;
let base = '';
let handler: Handler = (_q, _b, res) => res.end();
const received: Array<{ body: CallbackBody; headers: IncomingMessage['headers'] }> = [];
before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      received.push({ body: JSON.parse(body) as CallbackBody, headers: req.headers });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function chainWith(config: Record<string, unknown>) {
  const t = testGateChain(createTestHub());
  const gate = callbackGate(resolveConfig({ publishUrl: `${base}/on_publish?secret=in-url`, playUrl: `${base}/on_play`, ...config }), { post: postCallback, log: silentLogger() });
  t.chain.register('http-callback', gate!);
  const ask = (o: { action?: 'publish' | 'play'; name?: string; query?: Record<string, string> } = {}) =>
    t.chain.decide({ action: o.action ?? 'publish', protocol: 'rtmp', app: 'live', name: o.name ?? 'stage', query: o.query ?? {}, remote: '192.0.2.9:40000' });
  return { ask, t };
}

describe('http-callback gate against a real HTTP server', () => {
  it('allows on 2xx; POSTs what the gate sees, signed when a secret is set', async () => {
    received.length = 0;
    handler = (_q, _b, res) => res.writeHead(204).end();
    const { ask } = chainWith({ secret: 's3cret' });
    assert.deepEqual(await ask({ query: { key: 'abc', x: '1' } }), { allow: true, path: 'live/stage' });
    const [{ body, headers }] = received as [(typeof received)[0]];
    assert.deepEqual(body, { action: 'publish', protocol: 'rtmp', app: 'live', name: 'stage', path: 'live/stage', query: { key: 'abc', x: '1' }, key: 'abc', ip: '192.0.2.9', remote: '192.0.2.9:40000' });
    const raw = JSON.stringify(body);
    assert.equal(headers['x-xlive-signature'], `sha256=${createHmac('sha256', 's3cret').update(raw).digest('hex')}`);
    assert.equal((await ask({ action: 'play', query: { token: 't' } })).allow, true);
    assert.equal(received[1]!.body.token, 't');
  });

  it('refuses otherwise with the answer’s reason (one bounded line) or its status', async () => {
    handler = (_q, _b, res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'stage is not\r\nscheduled now' + ' x'.repeat(300) }));
    const { ask } = chainWith({});
    const out = await ask();
    assert.ok(!out.allow && out.code === 'GATE_DENIED' && out.gate === 'http-callback', JSON.stringify(out));
    assert.ok(out.reason.startsWith('stage is not scheduled now x'));
    assert.ok(out.reason.length <= 200);
    handler = (_q, _b, res) => res.writeHead(404).end('<html>nope</html>');
    const bare = await ask();
    assert.ok(!bare.allow && bare.reason === 'the callback answered 404');
  });

  it('retries a 5xx, then allows the 200 that follows', async () => {
    received.length = 0;
    let n = 0;
    handler = (_q, _b, res) => (n++ === 0 ? res.writeHead(500).end() : res.writeHead(200).end('{}'));
    const { ask } = chainWith({ backoffMs: 20 });
    assert.equal((await ask()).allow, true);
    assert.equal(received.length, 2);
    // 4xx is an answer, never retried.
    received.length = 0;
    handler = (_q, _b, res) => res.writeHead(401).end();
    assert.equal((await ask()).allow, false);
    assert.equal(received.length, 1);
  });

  it('a callback that stalls: the gate times out and answers its default (deny, or allow when configured)', async () => {
    const stalled: ServerResponse[] = [];
    handler = (_q, _b, res) => void stalled.push(res);
    const deny = await chainWith({ timeoutMs: 300 }).ask();
    assert.ok(!deny.allow && deny.code === 'GATE_TIMEOUT' && /did not answer within 300 ms/.test(deny.reason), JSON.stringify(deny));
    const allow = await chainWith({ timeoutMs: 300, onError: 'allow' }).ask();
    assert.equal(allow.allow, true);
    for (const r of stalled) r.destroy();
  });

  it('an unreachable callback is retried within the budget, then answers the default', async () => {
    const t = testGateChain(createTestHub());
    let posts = 0;
    const gate = callbackGate(resolveConfig({ publishUrl: 'http://127.0.0.1:9/x', retries: 2, backoffMs: 10 }), {
      post: async (...args) => (posts++, postCallback(...args)),
      log: silentLogger(),
    });
    t.chain.register('http-callback', gate!);
    const out = await t.chain.decide({ action: 'publish', protocol: 'rtmp', app: 'live', name: 'a', query: {}, remote: '127.0.0.1:1' });
    assert.ok(!out.allow && out.code === 'GATE_FAILED' && /could not be reached/.test(out.reason), JSON.stringify(out));
    assert.equal(posts, 3);
  });

  it('sendCredentials false sends only fingerprints of keys and tokens', async () => {
    received.length = 0;
    handler = (_q, _b, res) => res.writeHead(200).end();
    const key = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    await chainWith({ sendCredentials: false }).ask({ name: key, query: { key: 'short', token: 'tok' } });
    const raw = JSON.stringify(received[0]!.body);
    assert.ok(!raw.includes(key) && !raw.includes('"short"') && !raw.includes('"tok"'), raw);
    assert.match(received[0]!.body.name, /^key#[0-9a-f]{8}$/);
    assert.match(received[0]!.body.key!, /^key#[0-9a-f]{8}$/);
  });

  it('at most maxConcurrent callbacks are in flight; beyond, the gate answers its default at once', async () => {
    received.length = 0;
    const stalled: ServerResponse[] = [];
    handler = (_q, _b, res) => void stalled.push(res);
    const { ask } = chainWith({ maxConcurrent: 2, timeoutMs: 2000 });
    const pending = [ask({ name: 'a' }), ask({ name: 'b' })];
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const third = await ask({ name: 'c' });
    assert.ok(Date.now() - t0 < 1500, 'refused without waiting');
    assert.ok(!third.allow && /already in flight/.test(third.reason), JSON.stringify(third));
    for (const r of stalled) r.writeHead(200).end();
    assert.deepEqual((await Promise.all(pending)).map((o) => o.allow), [true, true]);
    assert.equal(received.length, 2);
  });

  it('config: bad URLs are refused naming the key; no URL means no gate', () => {
    assert.throws(() => resolveConfig({ publishUrl: 'ftp://x' }), /plugins\.http-callback\.publishUrl must be an http\(s\) URL/);
    assert.equal(callbackGate(resolveConfig({}), { post: postCallback, log: silentLogger() }), undefined);
  });
});
