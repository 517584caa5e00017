/**
 * A plugin's fault is the plugin's, not the box's (issue 9, section 2), against the real appliance
 * (`xlive serve`) with auth-local running: an external plugin rejects in a stream-event listener,
 * throws in another, subscribes a reader whose sink throws, answers a route by throwing, throws in a
 * `ctx.timers` timer, and leaves a raw unhandled rejection and a raw uncaught exception from `start()`.
 * The process stays up, ffmpeg keeps publishing, HTTP-FLV and RTMP viewers (ffprobe) keep playing,
 * every fault is attributed, counted in /metrics and recorded in the event log; past
 * `pluginHost.faultLimit` the plugin is `failed` (PLUGIN_FAULTED), its routes answer 503, its dependant
 * is stopped, its listeners and metrics are gone, and SIGTERM still exits 0 (never 70).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, makeToken, signIn } from '../../plugins/auth-local/testing/http-client.js';
import { parseExposition, type MetricFamily } from '../../plugins/metrics-prometheus/testing/exposition-parser.js';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher } from '../helpers/media-peers.js';
import { waitUntil } from '../helpers/wait.js';

const FAULT_LIMIT = 8;

/** The misbehaving plugin: every kind of callback fault the context can see, plus two it cannot. */
const FAULTY = `import { definePlugin } from 'xlive/sdk';
export default definePlugin({
  setup(ctx) {
    ctx.metrics.counter({ name: 'xlive_faulty_things_total', help: 'a metric of the faulty plugin' }).inc();
    ctx.streams.onEvent(async (e) => {
      if (e.type === 'published') throw new Error('async listener boom');
    });
    ctx.streams.onEvent((e) => {
      if (e.type !== 'published') return;
      ctx.streams.subscribe(e.path, { protocol: 'faulty', internal: true, sink: { write() { throw new Error('reader boom'); }, close() {} } });
      throw new Error('sync listener boom');
    });
    ctx.http.route('GET', '/boom', () => { throw new TypeError('route boom'); }, { public: true });
    ctx.http.route('GET', '/ok', (c) => c.json({ ok: true }), { public: true });
    ctx.http.route('GET', '/block', (c) => {
      const end = Date.now() + 800;
      while (Date.now() < end);
      return c.json({ blocked: true });
    }, { public: true });
    return {
      start() {
        ctx.timers.setTimeout(() => { throw new Error('timer boom'); }, 20);
        Promise.reject(new Error('raw rejection in start'));
        Promise.reject();
        setTimeout(() => { throw new Error('raw uncaught exception in a bare timer'); }, 40);
      },
    };
  },
});
`;
const DEPENDANT = `import { definePlugin } from 'xlive/sdk';
export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/ok', (c) => c.json({ ok: true }), { public: true }); } });
`;

function writePlugin(root: string, id: string, xlive: Record<string, unknown>, code: string): void {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `p-${id}`, version: '1.0.0', type: 'module', main: 'index.js', xlive: { id, apiVersion: '^1.0.0', kinds: ['other'], ...xlive } }));
  writeFileSync(join(dir, 'index.js'), code);
}

function ffmpegPublish(url: string, seconds: number): ChildProcess {
  return spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
      '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** ffprobe a live URL: the codecs it found (video first), or its error. */
function probe(url: string): Promise<{ code: number | null; codecs: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', ['-v', 'error', '-rw_timeout', '8000000', '-of', 'json', '-show_entries', 'stream=codec_name,codec_type', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let codecs: string[] = [];
      try {
        codecs = ((JSON.parse(out) as { streams?: Array<{ codec_name: string }> }).streams ?? []).map((s) => s.codec_name).sort();
      } catch {
        // no JSON: see stderr
      }
      resolve({ code, codecs, stderr: err });
    });
  });
}

interface PluginRow {
  id: string;
  state: string;
  error: { code: string; message: string } | null;
  faults?: { faults: number; slowCallbacks: number; lastSlow: { where: string; ms: number } | null };
}

describe('plugin faults: a misbehaving plugin on a real box', () => {
  let app: ApplianceHandle;
  let dataDir: string;
  let token: string;
  const children: ChildProcess[] = [];

  const get = async <T>(path: string): Promise<T> => {
    const r = await call<T>(app.httpUrl, 'GET', path, { token });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const plugin = async (id: string) => get<PluginRow>(`/api/v1/plugins/${id}`);
  const metrics = async (): Promise<Map<string, MetricFamily>> => {
    const r = await fetch(`${app.httpUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200);
    return parseExposition(await r.text());
  };
  const sample = (f: Map<string, MetricFamily>, name: string, labels: Record<string, string>): number =>
    (f.get(name)?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
  const faults = async (where: string) => sample(await metrics(), 'xlive_plugin_faults_total', { plugin: 'faulty', where });
  const streamUp = (path: string) => async () => (await get<{ items: Array<{ path: string; ingest: { frames: number } }> }>('/api/v1/streams')).items.some((s) => s.path === path && s.ingest.frames > 30);

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-faults-'));
    const pluginsDir = join(dataDir, 'plugins');
    writePlugin(pluginsDir, 'faulty', { permissions: ['http', 'http:public', 'streams:read'] }, FAULTY);
    writePlugin(pluginsDir, 'faulty-dependant', { permissions: ['http', 'http:public'], dependsOn: ['faulty'] }, DEPENDANT);
    // Third-party plugins may start disabled until an admin consents: enable both on the console first.
    for (const id of ['faulty', 'faulty-dependant']) {
      const r = await runCli(['plugins', 'enable', id], { XLIVE_DATA_DIR: dataDir, XLIVE_PLUGINS_DIR: pluginsDir }, dataDir);
      assert.equal(r.code, 0, r.stderr);
    }
    app = await startAppliance({
      dataDir,
      env: {
        XLIVE_PLUGINS_DIR: pluginsDir,
        XLIVE_PUBLISH_AUTH: 'open',
        XLIVE_PLUGIN_HOST_FAULT_LIMIT: String(FAULT_LIMIT),
        XLIVE_PLUGIN_HOST_FAULT_WINDOW_MS: '600000',
        XLIVE_SYSTEM_HEALTH_POLL_INTERVAL_MS: '1000',
        XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0',
        XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20',
      },
    });
    const admin = await signIn(app.httpUrl, 'admin', 'plugin-faults-e2e-password');
    token = (await makeToken(app.httpUrl, admin, ['system:read', 'streams:read', 'metrics:read'])).token;
  });

  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (app) {
      const code = await app.stop();
      assert.equal(code, 0, `SIGTERM exit code (never 70): ${app.output().slice(-3000)}`);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('faults at start (ctx timer, raw rejection, raw uncaught exception) are charged to the plugin; the box stays up', async () => {
    const p = await waitUntil('3 start-time faults', async () => {
      const row = await plugin('faulty');
      return (row.faults?.faults ?? 0) >= 3 && row;
    });
    assert.equal(p.state, 'running');
    assert.equal(p.faults!.faults, 3);
    const m = await metrics();
    assert.equal(sample(m, 'xlive_plugin_faults_total', { plugin: 'faulty', where: 'timer' }), 1);
    assert.equal(sample(m, 'xlive_plugin_faults_total', { plugin: 'faulty', where: 'unhandled-rejection' }), 1);
    assert.equal(sample(m, 'xlive_plugin_faults_total', { plugin: 'faulty', where: 'uncaught-exception' }), 1);
    assert.equal(sample(m, 'xlive_unhandled_rejections_total', { plugin: 'faulty' }), 1);
    assert.equal(sample(m, 'xlive_unhandled_rejections_total', { plugin: 'unknown' }), 1, 'Promise.reject() without a reason is counted, not charged');
    assert.equal(sample(m, 'xlive_uncaught_exceptions_total', { plugin: 'faulty' }), 1);
    assert.equal(sample(m, 'xlive_faulty_things_total', {}), 1);
    assert.equal(app.child.exitCode, null);
    assert.equal((await fetch(`${app.httpUrl}/healthz`)).status, 200);
    assert.match(app.output(), /plugin faulty fault in timer: timer boom/);
    assert.match(app.output(), /unhandled promise rejection \(not charged to any plugin; the box keeps running\)/);
  });

  it('a publish makes its listeners reject and throw and its reader throw: ffmpeg keeps publishing, HTTP-FLV and RTMP viewers play', async () => {
    const pub = ffmpegPublish(`${app.rtmpUrl}/live/one`, 30);
    children.push(pub);
    await waitUntil('live/one publishing', streamUp('live/one'));
    const [flv, rtmp] = await Promise.all([probe(`${app.httpUrl}/flv/live/one.flv`), probe(`${app.rtmpUrl}/live/one`)]);
    assert.deepEqual(flv.codecs, ['aac', 'h264'], flv.stderr);
    assert.deepEqual(rtmp.codecs, ['aac', 'h264'], rtmp.stderr);
    assert.equal(await faults('stream-event'), 2);
    assert.equal(await faults('reader'), 1);
    const m = await metrics();
    assert.equal(sample(m, 'xlive_hub_reader_sink_failures_total', {}), 1);
    const p = await plugin('faulty');
    assert.equal(p.state, 'running', 'below the limit the plugin keeps running');
    assert.equal(p.faults!.faults, 6);
    const events = await get<{ items: Array<{ type: string; source: string; data: Record<string, unknown> }> }>('/api/v1/events?type=plugin.fault&limit=100');
    assert.ok(events.items.length >= 5, `plugin.fault events: ${events.items.length}`);
    assert.ok(events.items.every((e) => e.source === 'core' && e.data['plugin'] === 'faulty'));
    assert.equal(pub.exitCode, null, 'the publisher is still publishing');
  });

  it('a blocking route is named as a slow callback of its plugin, and as the likely cause in the loop-lag health check', async () => {
    assert.equal((await fetch(`${app.httpUrl}/plugins/faulty/block`)).status, 200);
    const m = await metrics();
    assert.equal(sample(m, 'xlive_plugin_slow_callbacks_total', { plugin: 'faulty', where: 'route' }), 1);
    const p = await plugin('faulty');
    assert.equal(p.faults!.lastSlow?.where, 'route');
    assert.ok(p.faults!.lastSlow!.ms >= 700);
    assert.match(app.output(), /plugin faulty blocked the event loop for \d+ ms in a route callback/);
    const lag = await waitUntil('the loop-lag check to name the plugin', async () => {
      const r = await fetch(`${app.httpUrl}/readyz`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await r.json()) as { checks?: Array<{ name: string; status: string; message?: string }> };
      const check = body.checks?.find((c) => c.name === 'system-health/event-loop-lag');
      return check && /likely plugin faulty/.test(check.message ?? '') && check;
    }, 10_000);
    assert.equal(lag.status, 'warn');
    assert.match(lag.message!, /likely plugin faulty \(a route callback held the loop \d+ ms\)/);
  });

  it('a throwing route answers 500 problem+json; past the limit the plugin is failed, its routes answer 503, its dependant stops', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await fetch(`${app.httpUrl}/plugins/faulty/boom`);
      assert.equal(r.status, 500);
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.equal(((await r.json()) as { code: string }).code, 'INTERNAL_ERROR');
    }
    const p = await waitUntil('faulty failed', async () => {
      const row = await plugin('faulty');
      return row.state === 'failed' && row;
    });
    assert.equal(p.error?.code, 'PLUGIN_FAULTED');
    assert.match(p.error!.message, new RegExp(`failed ${FAULT_LIMIT} times`));
    const dep = await plugin('faulty-dependant');
    assert.equal(dep.state, 'skipped');
    assert.equal(dep.error?.code, 'PLUGIN_DEPENDENCY_FAILED');
    for (const path of ['/plugins/faulty/ok', '/plugins/faulty/boom', '/plugins/faulty-dependant/ok']) {
      const r = await fetch(app.httpUrl + path);
      assert.equal(r.status, 503, path);
      assert.equal(((await r.json()) as { code: string }).code, 'PLUGIN_NOT_RUNNING');
    }
    const failed = await get<{ items: Array<{ data: Record<string, unknown> }> }>('/api/v1/events?type=plugin.failed');
    assert.deepEqual(failed.items.map((e) => e.data['plugin']).sort(), ['faulty', 'faulty-dependant']);
    const m = await metrics();
    assert.equal(sample(m, 'xlive_faulty_things_total', {}), 0, 'the failed plugin’s metrics are released');
    assert.ok(!m.has('xlive_faulty_things_total'));
    assert.equal(sample(m, 'xlive_plugin_up', { plugin: 'faulty', state: 'failed' }), 0);
    // The stream that was live through all of it still takes frames from ffmpeg and still plays.
    assert.equal(app.child.exitCode, null);
    const frames = async () => (await get<{ ingest: { frames: number } }>('/api/v1/streams/live/one')).ingest.frames;
    const before = await frames();
    assert.deepEqual((await probe(`${app.httpUrl}/flv/live/one.flv`)).codecs, ['aac', 'h264']);
    await waitUntil('more frames on live/one', async () => (await frames()) > before + 10);
  });

  it('after the failure: a new publish plays and charges nothing more to the plugin (its listeners are gone)', async () => {
    const before = (await plugin('faulty')).faults!.faults;
    const pub = ffmpegPublish(`${app.rtmpUrl}/live/two`, 20);
    children.push(pub);
    await waitUntil('live/two publishing', streamUp('live/two'));
    const rtmp = await probe(`${app.rtmpUrl}/live/two`);
    assert.deepEqual(rtmp.codecs, ['aac', 'h264'], rtmp.stderr);
    assert.equal((await plugin('faulty')).faults!.faults, before);
    assert.equal(sample(await metrics(), 'xlive_hub_reader_sink_failures_total', {}), 1);
    assert.equal(pub.exitCode, null);
    assert.doesNotMatch(app.output(), /exiting 70/);
  });
});
