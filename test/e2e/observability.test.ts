/**
 * Observability end to end, on the real appliance: `/metrics` scraped during a real ffmpeg RTMP publish
 * with HTTP-FLV viewers (values move as expected, the text is valid exposition format, no label carries
 * an IP), the event log recording and staying bounded (`XLIVE_EVENTS_MAX_EVENTS=100`), webhooks
 * delivering events, `/api/v1/system` and the system-health checks in `/readyz`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { get, type ClientRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseExposition, sampleValue, type MetricFamily } from '../../plugins/metrics-prometheus/testing/exposition-parser.js';
import { startReceiver, type Receiver } from '../../plugins/webhooks/testing/webhook-receiver.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { waitUntil } from '../helpers/wait.js';

const { RtmpTestClient } = await import('../../plugins/rtmp/testing/rtmp-test-client.js');

type Families = Map<string, MetricFamily>;

const STREAM = 'live/x';
const IP = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/;

/** The first of several names a family may carry (protocol plugins' names are being aligned). */
function firstFamily(f: Families, names: string[]): MetricFamily | undefined {
  for (const n of names) if (f.has(n)) return f.get(n);
  return undefined;
}

function total(fam: MetricFamily | undefined, labels: Record<string, string> = {}): number {
  return (fam?.samples ?? []).filter((s) => s.name === fam?.name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

function ffmpegPublish(url: string, seconds: number): ChildProcess {
  return spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** An HTTP-FLV viewer that reads everything it is sent. */
function flvViewer(url: string): { req: ClientRequest; bytes: () => number; status: Promise<number> } {
  let n = 0;
  let req!: ClientRequest;
  const status = new Promise<number>((resolve, reject) => {
    req = get(url, { agent: false }, (res) => {
      resolve(res.statusCode ?? 0);
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('error', () => undefined);
    });
    req.on('error', (err) => (n === 0 ? reject(err) : undefined));
  });
  return { req, bytes: () => n, status };
}

/**
 * A bearer token for the API: with auth-local running, first-boot setup creates an admin (its session
 * then makes a token); on a box without an auth plugin the API is open and no token is needed.
 */
async function apiToken(httpUrl: string): Promise<string | undefined> {
  const open = await fetch(`${httpUrl}/api/v1/setup`);
  if (open.status === 404) return undefined;
  const setup = await fetch(`${httpUrl}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'observability-e2e-password' }),
  });
  assert.equal(setup.status, 201, await setup.clone().text());
  const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  const res = await fetch(`${httpUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'observability-e2e', scopes: ['system:read', 'streams:read', 'metrics:read'] }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { token: string }).token;
}

describe('observability end to end', () => {
  let app: ApplianceHandle;
  let hooks: Receiver;
  let token: string | undefined;
  const children: ChildProcess[] = [];
  const api = (path: string) => fetch(`${app.httpUrl}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  before(async () => {
    hooks = await startReceiver(() => 204);
    app = await startAppliance({
      env: {
        XLIVE_PUBLISH_AUTH: 'open',
        XLIVE_EVENTS_MAX_EVENTS: '100',
        // The burst of publishes below comes from one address.
        XLIVE_AUTH_LOCAL_PUBLISH_ATTEMPTS_PER_MINUTE: '10000',
        XLIVE_SYSTEM_HEALTH_POLL_INTERVAL_MS: '1000',
        XLIVE_WEBHOOKS_URLS: JSON.stringify([`${hooks.url}/box-events`]),
        XLIVE_WEBHOOKS_TYPES: JSON.stringify(['stream.*']),
      },
    });
    token = await apiToken(app.httpUrl);
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await app?.stop();
    await hooks?.close();
  });

  // Per-stream series need metrics:read (the public view leaves them out), as a fleet's Prometheus scrapes.
  const scrape = async (): Promise<{ text: string; families: Families }> => {
    const res = await api('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return { text, families: parseExposition(text) };
  };

  it('serves valid exposition text with process, plugin and system metrics before any stream', async () => {
    assert.ok(app.ports['rtmp'], `the rtmp plugin reports its listener; ports: ${JSON.stringify(app.ports)}\n${app.output()}`);
    await api('/api/v1/version');
    const { families: f } = await scrape();
    assert.equal(sampleValue(f, 'xlive_streams_active'), 0);
    for (const name of ['xlive_process_cpu_user_seconds_total', 'xlive_process_resident_memory_bytes', 'xlive_nodejs_eventloop_lag_seconds', 'xlive_system_disk_free_bytes', 'xlive_system_memory_available_bytes']) {
      assert.ok(f.has(name), `${name} is exposed`);
    }
    for (const plugin of ['metrics-prometheus', 'system-health', 'webhooks', 'rtmp', 'http-flv']) {
      assert.equal(sampleValue(f, 'xlive_plugin_up', { plugin, state: 'running' }), 1, `${plugin} is up`);
    }
    assert.ok((sampleValue(f, 'xlive_http_requests_total', { route: '/api/v1/version', method: 'GET', status: '200' }) ?? 0) >= 1);
    assert.equal(f.get('xlive_http_request_duration_seconds')?.type, 'histogram');
  });

  it('shows a real publish with viewers moving the values, then forgets the stream', async () => {
    const rtmpPort = app.ports['rtmp']!.port;
    const before = (await scrape()).families;
    const publisher = ffmpegPublish(`rtmp://127.0.0.1:${rtmpPort}/${STREAM}`, 25);
    children.push(publisher);
    let stderr = '';
    publisher.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));

    await waitUntil('the stream to carry video', async () => {
      const s = (await scrape()).families;
      return (sampleValue(s, 'xlive_stream_ingest_fps', { stream: STREAM }) ?? 0) > 5 && (sampleValue(s, 'xlive_stream_gop_cache_bytes', { stream: STREAM }) ?? 0) > 0;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; ffmpeg: ${stderr.slice(-2000)}\n${app.output().slice(-3000)}`);
    });

    const viewers = [flvViewer(`${app.httpUrl}/flv/${STREAM}.flv`), flvViewer(`${app.httpUrl}/flv/${STREAM}.flv`)];
    let framesDuring = 0;
    try {
      for (const v of viewers) assert.equal(await v.status, 200);
      await waitUntil('the viewers to receive media', async () => viewers.every((v) => v.bytes() > 10_000));

      const a = await scrape();
      await sleep(1500);
      const b = await scrape();
      const f = b.families;
      assert.equal(sampleValue(f, 'xlive_streams_active'), 1);
      const bps = sampleValue(f, 'xlive_stream_ingest_bitrate_bps', { stream: STREAM }) ?? 0;
      assert.ok(bps > 10_000 && bps < 50_000_000, `ingest bitrate ${bps}`);
      const fps = sampleValue(f, 'xlive_stream_ingest_fps', { stream: STREAM }) ?? 0;
      assert.ok(fps >= 15 && fps <= 35, `ingest fps ${fps} (ffmpeg sends 25)`);
      assert.equal(sampleValue(f, 'xlive_stream_readers', { stream: STREAM, protocol: 'http-flv' }), 2);
      assert.ok((sampleValue(f, 'xlive_stream_gop_cache_bytes', { stream: STREAM }) ?? 0) > 0);
      assert.equal(sampleValue(f, 'xlive_stream_dropped_frames_total', { stream: STREAM }), 0, 'fast local viewers drop nothing');
      assert.equal(sampleValue(f, 'xlive_stream_slow_disconnects_total', { stream: STREAM }), 0);
      // Counters move between scrapes.
      for (const name of ['xlive_hub_frames_in_total', 'xlive_hub_bytes_in_total']) {
        assert.ok(sampleValue(f, name)! > sampleValue(a.families, name)!, `${name} grows`);
      }
      assert.ok(sampleValue(f, 'xlive_stream_ingest_frames_total', { stream: STREAM })! > sampleValue(a.families, 'xlive_stream_ingest_frames_total', { stream: STREAM })!);
      assert.equal(sampleValue(f, 'xlive_hub_publishes_total'), (sampleValue(before, 'xlive_hub_publishes_total') ?? 0) + 1);
      // Connections and bandwidth by protocol (names as the protocol plugins register them).
      const conns = firstFamily(f, ['xlive_connections_total', 'xlive_rtmp_connections_total']);
      assert.ok(total(conns, conns?.name === 'xlive_connections_total' ? { protocol: 'rtmp' } : {}) >= 1, 'rtmp connections counted');
      const bytesIn = firstFamily(f, ['xlive_bytes_total', 'xlive_rtmp_bytes_total']);
      const inLabels: Record<string, string> = bytesIn?.name === 'xlive_bytes_total' ? { protocol: 'rtmp', direction: 'in' } : { direction: 'in' };
      assert.ok(total(bytesIn, inLabels) > total(firstFamily(a.families, [bytesIn?.name ?? '']), inLabels), 'rtmp bytes in grow');
      framesDuring = sampleValue(f, 'xlive_hub_frames_in_total')!;
      // Bounded cardinality: no label carries a client's address (the publisher and viewers are on 127.0.0.1).
      // Webhook targets are labelled with their configured origin, a destination rather than a client.
      for (const fam of f.values()) {
        if (fam.name.startsWith('xlive_webhook_')) continue;
        for (const s of fam.samples) for (const v of Object.values(s.labels)) assert.ok(!IP.test(v), `${s.name} has an address in a label: ${v}`);
      }
    } finally {
      for (const v of viewers) v.req.destroy();
      publisher.kill('SIGINT');
    }
    await waitUntil('the stream to end', async () => sampleValue((await scrape()).families, 'xlive_streams_active') === 0);
    const end = (await scrape()).families;
    for (const name of ['xlive_stream_ingest_bitrate_bps', 'xlive_stream_readers', 'xlive_stream_gop_cache_bytes', 'xlive_stream_dropped_frames_total']) {
      assert.equal(end.get(name)?.samples.length ?? 0, 0, `${name} forgets ${STREAM}`);
    }
    assert.ok(sampleValue(end, 'xlive_hub_frames_in_total')! >= framesDuring, 'hub totals stay');
  });

  it('records stream events, delivers them to webhooks, and keeps the log bounded', async () => {
    const events = async (q = '') => ((await (await api(`/api/v1/events?limit=500${q}`)).json()) as { items: Array<{ id: number; type: string; stream: string | null }> }).items;
    const started = await events('&type=stream.started');
    assert.ok(started.some((e) => e.stream === STREAM), 'stream.started recorded');
    await waitUntil('stream.stopped', async () => (await events('&type=stream.stopped')).some((e) => e.stream === STREAM));
    const delivered = await waitUntil('webhook deliveries', async () => {
      const types = hooks.received.map((r) => (JSON.parse(r.body) as { event: { type: string } }).event.type);
      return types.includes('stream.started') && types.includes('stream.stopped') ? types : undefined;
    });
    assert.ok(delivered.every((t) => t.startsWith('stream.')), `only stream.* delivered: ${delivered.join(', ')}`);
    const hook = hooks.received[0]!;
    assert.equal(hook.url, '/box-events');
    assert.match((JSON.parse(hook.body) as { box: { version: string } }).box.version, /^\d+\.\d+\.\d+/);

    // 105 short publishes over a scripted RTMP client: 210 stream events. The log trims to
    // events.maxEvents (100) at every 100th append, so past the 200th the oldest are gone.
    const port = app.ports['rtmp']!.port;
    const firstId = (await events())[0]!.id;
    const publishOnce = async (i: number) => {
      const c = await RtmpTestClient.open(port);
      try {
        await c.connectApp('live');
        const id = await c.createStream();
        const status = await c.publish(id, `burst${i}`);
        assert.equal(status['code'], 'NetStream.Publish.Start', `publish ${i}: ${JSON.stringify(status)}`);
      } finally {
        c.close();
        await c.closed;
      }
    };
    const t0 = Date.now();
    for (let i = 0; i < 105; i += 5) await Promise.all([0, 1, 2, 3, 4].map((k) => publishOnce(i + k)));
    const burstMs = Date.now() - t0;
    const all = await waitUntil('the burst to be recorded', async () => {
      const items = await events();
      return items.some((e) => e.type === 'stream.stopped' && e.stream === 'live/burst104') ? items : undefined;
    });
    const newest = all[0]!.id;
    assert.ok(newest - firstId >= 210, `${newest - firstId} events recorded during the burst (${burstMs} ms)`);
    assert.ok(all.length <= 199, `the log is trimmed to events.maxEvents (100) every 100 appends; it holds ${all.length}`);
    assert.ok(all.every((e) => e.id > newest - 200), 'only the newest events are kept');
    assert.ok(!all.some((e) => e.type === 'stream.started' && e.stream === STREAM), 'the oldest events are gone');
  });

  it('answers /api/v1/system and feeds the system checks into /readyz', async () => {
    const res = await api('/api/v1/system');
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      facts: { os: { platform: string } | null } | null;
      hot: { disks: Array<{ path: string; freeBytes?: number }>; memory: { totalBytes: number }; eventLoop: { maxMs: number } };
      health: { checks: Array<{ name: string; status: string }> };
    };
    assert.ok(body.hot.disks.length >= 1 && body.hot.disks.every((d) => typeof d.freeBytes === 'number'), JSON.stringify(body.hot.disks));
    assert.ok(body.hot.memory.totalBytes > 0);
    const names = body.health.checks.map((c) => c.name);
    for (const n of ['database', 'plugins', 'system-health/disk-free', 'system-health/temperature', 'system-health/event-loop-lag']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    // Facts come from a worker: present once it has answered.
    const facts = await waitUntil('system facts', async () => {
      const b = (await (await api('/api/v1/system')).json()) as typeof body;
      return b.facts?.os ? b.facts : undefined;
    });
    assert.equal(facts.os?.platform, 'linux');
    const ready = (await (await fetch(`${app.httpUrl}/readyz`)).json()) as { checks: Array<{ name: string }> };
    assert.ok(ready.checks.some((c) => c.name === 'system-health/disk-free'));
    const { families } = await scrape();
    assert.equal(sampleValue(families, 'xlive_health_check_status', { check: 'database' }), 0);
  });
});
