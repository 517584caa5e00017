/**
 * Issue 9 §4, "no client can exhaust the box", against the real appliance: floods of idle HTTP and
 * RTMP sockets from one client (and a few), while a real ffmpeg publishes with a valid key, HLS is
 * written, and health/sign-in/publish/play from the same and from other addresses keep working.
 * Loopback source addresses 127.0.0.x stand in for distinct clients. HTTP caps are lowered through
 * the environment so the floods stay small; RTMP runs with its default caps (the 1,005 sockets),
 * which the box clamps at start to fit its 1,024 descriptors.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { runToEnd, startPublisher, startViewer, type Peer } from '../helpers/media-peers.js';
import { openFlood, requestFrom, streamFrom, upgradeFrom, type Flood } from '../helpers/socket-flood.js';
import { waitUntil } from '../helpers/wait.js';

const PW = 'correct horse battery';
const HTTP_CAPS = { maxTotal: 400, maxIdleTotal: 100, maxIdlePerIp: 40, maxPerIp: 30, reserved: 16 };
const ENV = {
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0',
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20',
  XLIVE_CONNECTIONS_HTTP_MAX_TOTAL: String(HTTP_CAPS.maxTotal),
  XLIVE_CONNECTIONS_HTTP_MAX_IDLE_TOTAL: String(HTTP_CAPS.maxIdleTotal),
  XLIVE_CONNECTIONS_HTTP_MAX_IDLE_PER_IP: String(HTTP_CAPS.maxIdlePerIp),
  XLIVE_CONNECTIONS_HTTP_MAX_PER_IP: String(HTTP_CAPS.maxPerIp),
  XLIVE_CONNECTIONS_HTTP_RESERVED: String(HTTP_CAPS.reserved),
};
const OPEN_FILE_LIMIT = 1024;
/** Descriptors the box may open besides the capped sockets while a test runs (API calls, files, ffmpeg peers). */
const SLACK = 40;

describe('connection limits: one client cannot exhaust the box', { timeout: 240_000 }, () => {
  let app: ApplianceHandle;
  let admin: Creds;
  let stage: Peer;
  let httpPort: number;
  let rtmpPort: number;
  const floods: Flood[] = [];

  const fds = () => readdirSync(`/proc/${app.child.pid}/fd`).length;
  const url = (path: string) => `${app.httpUrl}${path}`;
  /** Box descriptors sampled while `work` runs; resolves to the highest count seen. */
  async function peakFds(work: () => Promise<unknown>): Promise<number> {
    let peak = fds();
    let running = true;
    const sampler = (async () => {
      while (running) {
        peak = Math.max(peak, fds());
        await sleep(20);
      }
    })();
    try {
      await work();
      await sleep(300);
    } finally {
      running = false;
      await sampler;
    }
    return Math.max(peak, fds());
  }
  async function makeKey(path: string): Promise<string> {
    const r = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return String(r.body['key']);
  }
  async function signInFrom(localAddress: string): Promise<number> {
    const r = await requestFrom(url('/api/v1/session'), localAddress, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PW }),
    });
    if (r.status === 200) assert.match(String(r.headers['set-cookie']), /xlive_session=/);
    return r.status;
  }
  async function mediaSequence(): Promise<number> {
    const r = await requestFrom(url('/hls/live/stage/index.m3u8'), '127.0.0.1');
    assert.equal(r.status, 200, r.body);
    return Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(r.body)?.[1] ?? -1) + r.body.split('\n').filter((l) => l.endsWith('.ts')).length;
  }

  before(async () => {
    // A small device's descriptor limit: without the caps, the floods below would exhaust it (EMFILE).
    app = await startAppliance({ env: ENV, openFileLimit: OPEN_FILE_LIMIT });
    httpPort = app.ports['http']!.port;
    rtmpPort = app.ports['rtmp']!.port;
    admin = await signIn(app.httpUrl, 'admin', PW);
    const key = await makeKey('live/stage');
    stage = startPublisher(`${app.rtmpUrl}/live/${key}`, 150);
    await waitUntil('the HLS playlist', async () => ((await requestFrom(url('/hls/live/stage/index.m3u8'), '127.0.0.1')).status === 200 ? true : undefined), 30_000);
  });
  after(async () => {
    for (const f of floods) f.stop();
    await stage?.stop();
    await app?.stop();
  });

  it('at start, caps that do not fit the open-file limit are clamped with a warning', () => {
    assert.match(app.output(), /rtmp: connection caps clamped to maxTotal \d+ \(configured 1000\): the open-file limit is 1024/);
    assert.doesNotMatch(app.output(), /http: connection caps clamped/, 'the lowered HTTP caps fit');
  });

  it('(a) thousands of idle HTTP sockets: descriptors stay bounded; health, sign-in and HLS keep working from the same and other addresses', async () => {
    const baseline = fds();
    const seqBefore = await mediaSequence();
    const peak = await peakFds(async () => {
      // One client: 3,000 idle sockets (the attack, at lowered caps).
      floods.push(await openFlood(httpPort, 3000, { localAddress: '127.0.0.1' }));
      // A few more addresses, one of them slowloris-style (headers never finished).
      floods.push(await openFlood(httpPort, 600, { localAddress: '127.0.0.2', write: 'GET /healthz HTTP/1.1\r\nHost: x\r\n' }));
      for (const a of ['127.0.0.3', '127.0.0.4']) floods.push(await openFlood(httpPort, 600, { localAddress: a }));
    });
    assert.ok(peak <= baseline + HTTP_CAPS.maxIdleTotal + SLACK, `box descriptors peaked at ${peak} (baseline ${baseline})`);
    const [one, slow] = floods;
    // (This side learns of the server's closes a little later.)
    await waitUntil(`one address down to its idle cap (${one!.open} open)`, () => (one!.open <= HTTP_CAPS.maxIdlePerIp ? true : undefined), 10_000);
    assert.ok(one!.closedByServer >= 3000 - HTTP_CAPS.maxIdlePerIp);
    await waitUntil(`slowloris sockets down to the idle cap (${slow!.open} open)`, () => (slow!.open <= HTTP_CAPS.maxIdlePerIp ? true : undefined), 10_000);

    // During the flood (sockets still held): health and sign-in from another address and the same one.
    for (const from of ['127.0.0.9', '127.0.0.1', '127.0.0.2']) {
      const h = await requestFrom(url('/healthz'), from);
      assert.equal(h.status, 200, `healthz from ${from}`);
      assert.equal(await signInFrom(from), 200, `sign-in from ${from}`);
    }
    // HLS is still being written and served (segments are files: they need descriptors too).
    const seqAfter = await waitUntil('a new HLS segment', async () => {
      const s = await mediaSequence();
      return s > seqBefore + 1 ? s : undefined;
    });
    assert.ok(seqAfter > seqBefore);
    const playlist = await requestFrom(url('/hls/live/stage/index.m3u8'), '127.0.0.9');
    const segment = playlist.body.split('\n').find((l) => l.endsWith('.ts'))!;
    const seg = await requestFrom(url(`/hls/live/stage/${segment}`), '127.0.0.9');
    assert.equal(seg.status, 200);
    assert.ok(seg.body.length > 1000);
    assert.doesNotMatch(app.output(), /EMFILE|ENFILE/);
    for (const f of floods.splice(0)) f.stop();
  });

  it('(b) 1,005+ idle RTMP sockets from one client (and a reconnecting flood): a publisher with a valid key still publishes and a viewer plays', async () => {
    const baseline = fds();
    const key = await makeKey('live/second');
    let second: Peer | undefined;
    try {
      const peak = await peakFds(async () => {
        floods.push(await openFlood(rtmpPort, 1005, { localAddress: '127.0.0.1' }));
        // Another client keeps pressing: every socket the box closes is reopened (bounded rate).
        floods.push(await openFlood(rtmpPort, 100, { localAddress: '127.0.0.2', reconnect: true, reconnectDelayMs: 250 }));
      });
      // RTMP defaults: 16 idle sockets per address.
      assert.ok(peak <= baseline + 2 * 16 + SLACK, `box descriptors peaked at ${peak} (baseline ${baseline})`);
      await waitUntil(`one address down to 16 idle RTMP sockets (${floods[0]!.open} open)`, () => (floods[0]!.open <= 16 ? true : undefined), 10_000);

      // From the flooding address itself, while the flood is held and the other keeps pressing.
      second = startPublisher(`${app.rtmpUrl}/live/${key}`, 20);
      await waitUntil('live/second to be published', async () => {
        const r = await call<{ items: Array<{ path: string }> }>(app.httpUrl, 'GET', '/api/v1/streams', admin);
        return r.body.items?.some((s) => s.path === 'live/second') ? true : undefined;
      });
      const viewer = await runToEnd(startViewer(`${app.rtmpUrl}/live/second`, 3));
      assert.equal(viewer.code, 0, viewer.stderr);
      assert.equal(stage.child.exitCode, null, 'the established publisher was never touched');
    } finally {
      for (const f of floods.splice(0)) f.stop();
      await second?.stop();
    }
  });

  it('(c) HTTP-FLV / WS-FLV viewers sharing one NAT address: allowed up to the per-address cap, then 503 CONNECTION_LIMIT; sign-in still works', async () => {
    const flv = url('/flv/live/stage.flv');
    const viewers = await Promise.all(Array.from({ length: HTTP_CAPS.maxPerIp }, () => streamFrom(flv, '127.0.0.5')));
    try {
      assert.deepEqual(new Set(viewers.map((v) => v.status)), new Set([200]));
      const extra = await streamFrom(flv, '127.0.0.5');
      assert.equal(extra.status, 503);
      await sleep(200);
      const problem = JSON.parse(extra.body()) as { code: string; detail: string };
      assert.equal(problem.code, 'CONNECTION_LIMIT');
      assert.match(problem.detail, new RegExp(`limit ${HTTP_CAPS.maxPerIp} per address`));
      const ws = await upgradeFrom(flv, '127.0.0.5');
      assert.equal(ws.status, 503, 'a WebSocket-FLV viewer counts against the same cap');
      ws.close();
      const elsewhere = await streamFrom(flv, '127.0.0.6');
      assert.equal(elsewhere.status, 200, 'another address is not affected');
      elsewhere.close();
      const wsElsewhere = await upgradeFrom(flv, '127.0.0.6');
      assert.equal(wsElsewhere.status, 101);
      wsElsewhere.close();
      assert.equal(await signInFrom('127.0.0.5'), 200, 'the operator behind the same NAT can still sign in');
      assert.equal((await requestFrom(url('/healthz'), '127.0.0.5')).status, 200);
    } finally {
      for (const v of viewers) v.close();
    }
  });

  it('(d) evictions and refusals are counted in /metrics and recorded (rate-limited) in the event log', async () => {
    const metrics = (await requestFrom(url('/metrics'), '127.0.0.1')).body;
    const value = (listener: string, reason: string) =>
      Number(new RegExp(`^xlive_connections_refused_total\\{listener="${listener}",reason="${reason}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    assert.ok(value('http', 'idle-per-ip') >= 3000, metrics);
    assert.ok(value('http', 'per-ip') >= 1);
    assert.ok(value('rtmp', 'idle-per-ip') >= 1005 - 16);
    assert.match(metrics, /^xlive_connections_open\{listener="http",state="idle"\} \d+/m);
    const events = await call<{ items: Array<{ message: string; data: { listener: string; reason: string; client: string; count: number } }> }>(
      app.httpUrl, 'GET', '/api/v1/events?type=connection.refused&limit=500', admin,
    );
    const items = events.body.items;
    const httpFlood = items.filter((e) => e.data.listener === 'http' && e.data.reason === 'idle-per-ip' && e.data.client === '127.0.0.1');
    assert.equal(httpFlood.length, 1, 'one event per listener, reason and address per minute, not one per socket');
    assert.ok(items.some((e) => e.data.listener === 'rtmp' && e.data.reason === 'idle-per-ip'));
    assert.ok(items.some((e) => e.data.listener === 'http' && e.data.reason === 'per-ip' && e.data.client === '127.0.0.5'));
    assert.ok(items.length < 40, `${items.length} events for thousands of refusals`);
  });
});
