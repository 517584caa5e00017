/**
 * Gates against the real appliance (`xlive serve`) with real ffmpeg peers:
 * - a third-party gate plugin (`door-policy`, order 50, before auth-local's key check at 100) refuses
 *   a publish: ffmpeg prints the reason, the timeline names the gate and the reason, and the stream
 *   never started (no `stream.started`, no hub stream, no `published` hub event) — an allowed publish
 *   starts only after every gate decided;
 * - play gating over HTTP-FLV: 403 problem naming the gate and reason, ffmpeg refused;
 * - attack: a gate that never answers cannot hold an RTMP session past its timeout;
 * - the first-party http-callback gate against a local HTTP server: allow, refuse with the reason,
 *   a stalled callback times out to the default deny, 500 then 200 is retried and allowed, and a
 *   flood of publishes against a slow callback stays bounded (maxConcurrent) while the box serves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';
import { rawRequest, runToEnd, startPublisher, startViewer, waitFor } from '../helpers/media-peers.js';
import { call, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { RtmpTestClient } from '../../plugins/rtmp/testing/rtmp-test-client.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };

/** A third-party gate: refuses publishing `closed` (after 1.5 s) and playing with `?viewer=banned`; keeps a log of decisions and hub events. */
const DOOR_POLICY = `import { definePlugin } from 'xlive/sdk';
export default definePlugin({
  setup(ctx) {
    const seen = [];
    ctx.streams.onEvent((e) => { if (e.type === 'published') seen.push('published ' + e.path); });
    ctx.gates.register({
      actions: ['publish', 'play'],
      order: 50,
      async decide(req) {
        seen.push('asked ' + req.action + ' ' + req.path + ' ' + req.protocol);
        if (req.action === 'publish') await new Promise((r) => setTimeout(r, req.name === 'closed' ? 1500 : 300));
        const no = req.action === 'publish' ? req.name === 'closed' : req.query.viewer === 'banned';
        seen.push('decided ' + req.action + ' ' + req.path + ' ' + (no ? 'deny' : 'allow'));
        return no ? { allow: false, reason: req.action === 'publish' ? 'the closed stage opens at 20:00' : 'banned viewer' } : { allow: true };
      },
    });
    ctx.http.route('GET', '/log', (c) => c.json(seen), { public: true });
  },
});
`;

/** A gate that never answers for the stream `hang` (timeout 800 ms). */
const STALL_GATE = `import { definePlugin } from 'xlive/sdk';
export default definePlugin({
  setup(ctx) {
    ctx.gates.register({ actions: ['publish'], order: 10, timeoutMs: 800, decide: (req) => (req.name === 'hang' ? new Promise(() => {}) : { allow: true }) });
  },
});
`;

interface BoxEvent {
  type: string;
  stream: string | null;
  message: string;
  data: Record<string, unknown>;
}

async function events(app: ApplianceHandle, admin: Creds, type: string): Promise<BoxEvent[]> {
  const r = await call<{ items: BoxEvent[] }>(app.httpUrl, 'GET', `/api/v1/events?type=${type}&limit=500`, admin);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
}

async function streamKey(app: ApplianceHandle, admin: Creds, path: string): Promise<string> {
  const r = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return String(r.body['key']);
}

async function liveStreams(app: ApplianceHandle, admin: Creds): Promise<string[]> {
  const r = await call<{ items: Array<{ path: string }> }>(app.httpUrl, 'GET', '/api/v1/streams', admin);
  return r.body.items.map((s) => s.path);
}

describe('gates: a third-party gate plugin before auth-local, on a real box', () => {
  let dataDir: string;
  let app: ApplianceHandle;
  let admin: Creds;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-gates-'));
    const root = join(dataDir, 'plugins');
    writePlugin(root, 'door-policy', { apiVersion: '^1.3.0', permissions: ['streams:gate', 'http', 'http:public'] }, DOOR_POLICY);
    writePlugin(root, 'stall-gate', { apiVersion: '^1.3.0', permissions: ['streams:gate'] }, STALL_GATE);
    await enablePlugins(dataDir, ['door-policy', 'stall-gate']);
    app = await startAppliance({ env: FAST, dataDir });
    admin = await signIn(app.httpUrl, 'admin', PW);
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a publish with the gate’s reason on the encoder, in the timeline; the stream never starts; an allowed one starts after the decision', async (t) => {
    const closedKey = await streamKey(app, admin, 'live/closed');
    const stageKey = await streamKey(app, admin, 'live/stage');
    const refused = startPublisher(`${app.rtmpUrl}/live/closed?key=${closedKey}`, 5);
    // While the gate thinks (1.5 s), nothing of the stream exists.
    for (let i = 0; i < 5; i++) {
      assert.ok(!(await liveStreams(app, admin)).includes('live/closed'), 'not announced before the decision');
      await new Promise((r) => setTimeout(r, 200));
    }
    const r = await runToEnd(refused);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /refused by door-policy: the closed stage opens at 20:00/, r.stderr);
    t.diagnostic(`ffmpeg said: ${r.stderr.trim().replaceAll(closedKey, '<key>')}`);
    // ffmpeg names the URL it was given (with the key) itself; the box's description never has the key.
    const fromBox = r.stderr.split('\n').filter((l) => /refused by/.test(l)).join('\n');
    assert.ok(fromBox !== '' && !fromBox.replace(/rtmp:\/\/\S+/g, '').includes(closedKey), fromBox);

    const allowed = startPublisher(`${app.rtmpUrl}/live/stage?key=${stageKey}`, 3);
    assert.ok(await waitFor(async () => (await liveStreams(app, admin)).includes('live/stage'), 15_000), 'the allowed publish runs');
    const done = await runToEnd(allowed);
    assert.equal(done.code, 0, done.stderr);

    const refusals = await events(app, admin, 'stream.publish.refused');
    const mine = refusals.find((e) => e.data['gate'] === 'door-policy');
    assert.ok(mine, JSON.stringify(refusals));
    assert.equal(mine.data['reason'], 'the closed stage opens at 20:00');
    assert.equal(mine.stream, 'live/closed');
    assert.ok(!JSON.stringify(refusals).includes(closedKey), 'events never show a key');
    const started = (await events(app, admin, 'stream.started')).map((e) => e.stream);
    assert.ok(!started.includes('live/closed') && started.includes('live/stage'), started.join());
    const log = (await call<string[]>(app.httpUrl, 'GET', '/plugins/door-policy/log')).body;
    assert.ok(!log.includes('published live/closed'), log.join('\n'));
    const decided = log.indexOf('decided publish live/stage allow');
    assert.ok(decided >= 0 && log.indexOf('published live/stage') > decided, `published only after the decision: ${log.join(' | ')}`);
  });

  it('play over HTTP-FLV: a refusing gate answers 403 naming itself and the reason; ffmpeg is refused; an allowed viewer plays', async () => {
    const key = await streamKey(app, admin, 'live/show');
    const pub = startPublisher(`${app.rtmpUrl}/live/show?key=${key}`, 20);
    try {
      assert.ok(await waitFor(async () => (await liveStreams(app, admin)).includes('live/show'), 15_000));
      const denied = await rawRequest(`${app.httpUrl}/flv/live/show.flv?viewer=banned`);
      assert.equal(denied.status, 403);
      const problem = denied.json();
      assert.deepEqual([problem['code'], problem['gate'], problem['reason']], ['FORBIDDEN', 'door-policy', 'banned viewer']);
      assert.match(String(problem['detail']), /play refused by door-policy: banned viewer/);
      const refused = await runToEnd(startViewer(`${app.httpUrl}/flv/live/show.flv?viewer=banned`, 2));
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /403/);
      const ok = await runToEnd(startViewer(`${app.httpUrl}/flv/live/show.flv?viewer=fan`, 1));
      assert.equal(ok.code, 0, ok.stderr);
      const plays = await events(app, admin, 'stream.play.refused');
      assert.ok(plays.some((e) => e.data['gate'] === 'door-policy' && e.data['reason'] === 'banned viewer' && e.data['protocol'] === 'http-flv'), JSON.stringify(plays));
    } finally {
      await pub.stop();
    }
  });

  it('attack: a gate that never answers cannot hold the RTMP session open past its timeout', async () => {
    const key = await streamKey(app, admin, 'live/hang');
    const c = await RtmpTestClient.open(Number(new URL(app.rtmpUrl).port));
    await c.connectApp('live');
    const id = await c.createStream();
    const t0 = Date.now();
    const status = await c.publish(id, `hang?key=${key}`);
    assert.equal(status['code'], 'NetStream.Publish.Denied');
    assert.match(String(status['description']), /refused by stall-gate: did not answer within 800 ms/);
    await Promise.race([c.closed, new Promise((_, rej) => setTimeout(() => rej(new Error('session still open 3 s after the timeout')), 3000))]);
    assert.ok(Date.now() - t0 < 4000);
    const ff = await runToEnd(startPublisher(`${app.rtmpUrl}/live/hang?key=${key}`, 3));
    assert.notEqual(ff.code, 0);
    assert.match(ff.stderr, /did not answer within 800 ms/);
    assert.equal((await rawRequest(`${app.httpUrl}/healthz`)).status, 200, 'the box keeps serving');
  });
});

describe('gates: the http-callback plugin against a local HTTP server, on a real box', () => {
  let dataDir: string;
  let app: ApplianceHandle;
  let admin: Creds;
  let callback: Server;
  const calls: Array<{ name: string; path: string; key?: string }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const stalled: ServerResponse[] = [];
  let flaky = 0;

  before(async () => {
    callback = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { name: string; path: string; key?: string };
        calls.push(body);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.once('close', () => inFlight--);
        if (body.name === 'stall') return void stalled.push(res);
        if (body.name === 'no') return void res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'no booking for this stream' }));
        if (body.name === 'flaky' && flaky++ === 0) return void res.writeHead(500).end();
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/on_publish`;
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-gates-cb-'));
    await enablePlugins(dataDir, ['http-callback']);
    app = await startAppliance({
      env: {
        ...FAST,
        XLIVE_PLUGINS__HTTP_CALLBACK__PUBLISH_URL: url,
        XLIVE_PLUGINS__HTTP_CALLBACK__TIMEOUT_MS: '1000',
        XLIVE_PLUGINS__HTTP_CALLBACK__ORDER: '50',
        XLIVE_PLUGINS__HTTP_CALLBACK__BACKOFF_MS: '50',
        XLIVE_PLUGINS__HTTP_CALLBACK__MAX_CONCURRENT: '4',
      },
      dataDir,
    });
    admin = await signIn(app.httpUrl, 'admin', PW);
  });
  after(async () => {
    await app?.stop();
    for (const r of stalled) r.destroy();
    callback.closeAllConnections();
    await new Promise((r) => callback.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('allows on 2xx and refuses with the callback’s reason on the encoder and in the timeline', async () => {
    const okKey = await streamKey(app, admin, 'live/ok');
    const ok = await runToEnd(startPublisher(`${app.rtmpUrl}/live/ok?key=${okKey}`, 2));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(calls.find((c) => c.name === 'ok')?.key, okKey, 'sendCredentials (default): the key is sent');
    const no = await runToEnd(startPublisher(`${app.rtmpUrl}/live/no`, 2));
    assert.notEqual(no.code, 0);
    assert.match(no.stderr, /refused by http-callback: no booking for this stream/, no.stderr);
    const refusals = await events(app, admin, 'stream.publish.refused');
    assert.ok(refusals.some((e) => e.data['gate'] === 'http-callback' && e.data['reason'] === 'no booking for this stream'), JSON.stringify(refusals));
    assert.ok(!(await events(app, admin, 'stream.started')).some((e) => e.stream === 'live/no'));
  });

  it('a stalled callback times out to the default deny, and the encoder is told so', async () => {
    const t0 = Date.now();
    const r = await runToEnd(startPublisher(`${app.rtmpUrl}/live/stall`, 3));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /refused by http-callback: did not answer within 1000 ms/, r.stderr);
    assert.ok(Date.now() - t0 < 15_000);
  });

  it('a 500 then a 200 is retried and allowed', async () => {
    const key = await streamKey(app, admin, 'live/flaky');
    const before = calls.filter((c) => c.name === 'flaky').length;
    const r = await runToEnd(startPublisher(`${app.rtmpUrl}/live/flaky?key=${key}`, 2));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(calls.filter((c) => c.name === 'flaky').length - before, 2);
  });

  it('attack: a flood of publishes against a stalling callback stays bounded and the box keeps serving', async () => {
    const port = Number(new URL(app.rtmpUrl).port);
    const t0 = Date.now();
    const flood = await Promise.all(
      Array.from({ length: 24 }, async () => {
        try {
          const c = await RtmpTestClient.open(port);
          await c.connectApp('live');
          const id = await c.createStream();
          const status = await c.publish(id, 'stall').catch(() => ({}) as Record<string, unknown>);
          await Promise.race([c.closed, new Promise((r) => setTimeout(r, 5000))]);
          const open = c.isOpen;
          c.close();
          return { code: status['code'], open };
        } catch {
          return { code: 'closed early', open: false }; // evicted by the idle caps: also bounded
        }
      }),
    );
    assert.ok(flood.every((f) => !f.open), 'no session is held open');
    assert.ok(flood.every((f) => f.code !== 'NetStream.Publish.Start'), JSON.stringify(flood));
    assert.ok(maxInFlight <= 4, `callbacks in flight at once: ${maxInFlight} (maxConcurrent 4)`);
    assert.ok(Date.now() - t0 < 30_000);
    for (const r of stalled.splice(0)) r.destroy();
    assert.equal((await rawRequest(`${app.httpUrl}/healthz`)).status, 200);
    const key = await streamKey(app, admin, 'live/after');
    const after = await runToEnd(startPublisher(`${app.rtmpUrl}/live/after?key=${key}`, 2));
    assert.equal(after.code, 0, after.stderr);
  });
});
