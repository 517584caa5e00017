/**
 * Remote configuration through a real running box: `GET|PATCH /api/v1/config`, plugin config
 * `PUT|PATCH /api/v1/plugins/:id/config`, `POST /api/v1/plugins/:id/restart`. Success, validation
 * errors, 401 and 403 per route; keys set by the environment reported as locked; console-only keys
 * (lab mode) refused to a token with system:admin while the box keeps enforcing auth; HLS window and
 * segment length changed live and seen in the playlist of a new ffmpeg stream without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';
import { waitUntil } from '../helpers/wait.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';

const PW = 'correct horse battery';
const ENV = {
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0',
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20',
  // Set by the environment: the API must report these as locked.
  XLIVE_HTTP_FLV_MAX_VIEWERS: '100',
  XLIVE_STREAMS_MAX_STREAMS: '32',
};

interface Entry {
  key: string;
  value: unknown;
  layer: string;
  origin: string;
  lockedBy: string | null;
}
interface Change {
  key: string;
  value: unknown;
  layer: string;
  applied: 'live' | 'restart';
}

describe('remote configuration API', () => {
  let app: ApplianceHandle;
  let admin: Creds;
  let adminToken: string;
  let reader: string;
  let pluginsAdmin: string;
  const peers: Peer[] = [];

  const entries = async (token = reader) => {
    const r = await call<{ entries: Entry[]; pendingRestart: string[]; layers: unknown[] }>(app.httpUrl, 'GET', '/api/v1/config', { token });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const entry = async (key: string) => (await entries()).entries.find((e) => e.key === key);

  before(async () => {
    app = await startAppliance({ env: ENV });
    admin = await signIn(app.httpUrl, 'admin', PW);
    adminToken = (await makeToken(app.httpUrl, admin, ['system:admin', 'system:read'])).token;
    reader = (await makeToken(app.httpUrl, admin, ['system:read'])).token;
    pluginsAdmin = (await makeToken(app.httpUrl, admin, ['plugins:admin', 'system:read'])).token;
  });
  after(async () => {
    for (const p of peers) await p.stop();
    await app?.stop();
  });

  it('GET /api/v1/config: every value with its layer, env keys locked, secrets redacted; 401 without a token', async () => {
    const view = await entries();
    const byKey = new Map(view.entries.map((e) => [e.key, e]));
    assert.deepEqual(byKey.get('plugins.http-flv.maxViewers'), { key: 'plugins.http-flv.maxViewers', value: 100, layer: 'env', origin: 'env XLIVE_HTTP_FLV_MAX_VIEWERS', lockedBy: 'env XLIVE_HTTP_FLV_MAX_VIEWERS' });
    assert.equal(byKey.get('streams.maxStreams')?.lockedBy, 'env XLIVE_STREAMS_MAX_STREAMS');
    assert.deepEqual(byKey.get('plugins.hls.windowSize'), { key: 'plugins.hls.windowSize', value: 6, layer: 'defaults', origin: 'defaults', lockedBy: null });
    assert.equal(byKey.get('auth.labMode')?.lockedBy, 'console-only');
    assert.equal(byKey.get('pluginHost.disable')?.lockedBy, 'console-only');
    assert.equal(byKey.get('dataDir')?.lockedBy, 'path');
    assert.ok(view.layers.length >= 2);
    const anon = await call(app.httpUrl, 'GET', '/api/v1/config');
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('content-type'), 'application/problem+json');
  });

  it('core keys: API rate limits and stream limits apply live, the others at the next restart', async () => {
    const fresh = (await makeToken(app.httpUrl, admin, ['system:read'])).token;
    const r = await call<{ changes: Change[]; pendingRestart: string[] }>(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, {
      'http.rateLimits.apiPerTokenPerMinute': 40,
      'streams.takeover': true,
      'http.requestTimeoutMs': 20_000,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.changes, [
      { key: 'http.rateLimits.apiPerTokenPerMinute', value: 40, layer: 'settings', applied: 'live' },
      { key: 'streams.takeover', value: true, layer: 'settings', applied: 'live' },
      { key: 'http.requestTimeoutMs', value: 20_000, layer: 'settings', applied: 'restart' },
    ]);
    assert.deepEqual(r.body.pendingRestart, ['http.requestTimeoutMs']);
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await call(app.httpUrl, 'GET', '/api/v1/version', { token: fresh })).status);
    assert.equal(statuses.filter((x) => x === 200).length, 40);
    assert.equal(statuses[40], 429, 'the 41st request of the minute is over the new limit');
    const back = await call<{ changes: Change[]; pendingRestart: string[] }>(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, {
      'http.rateLimits.apiPerTokenPerMinute': null,
      'streams.takeover': null,
      'http.requestTimeoutMs': null,
    });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.deepEqual(back.body.changes.map((c) => [c.key, c.layer, c.applied]), [
      ['http.rateLimits.apiPerTokenPerMinute', 'defaults', 'live'],
      ['streams.takeover', 'defaults', 'live'],
      ['http.requestTimeoutMs', 'defaults', 'live'],
    ]);
    assert.deepEqual(back.body.pendingRestart, []);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/version', { token: fresh })).status, 200, 'the default limit is back');
    const caps = await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'connections.http.maxIdleTotal': 5000 });
    assert.equal(caps.status, 400, 'caps the schema cannot rule out are still checked before saving');
    assert.equal(caps.body['key'], 'connections.http');
    assert.match(String(caps.body['detail']), /maxIdleTotal \(5000\) \+ reserved/);
  });

  it('a webhook secret set through the API is never shown', async () => {
    const r = await call<{ changes: Change[] }>(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.webhooks.secret': 'hunter2-very-secret' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.changes, [{ key: 'plugins.webhooks.secret', value: '***', layer: 'settings', applied: 'live' }]);
    assert.equal((await entry('plugins.webhooks.secret'))?.value, '***');
    const all = await call(app.httpUrl, 'GET', '/api/v1/config', { token: reader });
    assert.doesNotMatch(JSON.stringify(all.body), /hunter2/);
    const plugin = await call(app.httpUrl, 'GET', '/api/v1/plugins/webhooks', { token: reader });
    assert.doesNotMatch(JSON.stringify(plugin.body), /hunter2/);
  });

  it('PATCH /api/v1/config: invalid values are 400 naming the key, the value and the rule; nothing is saved', async () => {
    for (const [body, key, rule] of [
      [{ 'plugins.hls.windowSize': 1 }, 'plugins.hls.windowSize', /must be >= 2/],
      [{ 'log.format': 'xml' }, 'log.format', /must be one of "text", "json"/],
      [{ 'http.nope': 1 }, 'http.nope', /not a known key/],
      [{ 'plugins.no-such-plugin.x': 1 }, 'plugins.no-such-plugin.x', /not a known key/],
    ] as const) {
      const r = await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.hls.segmentMs': 1500, ...body });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.equal(r.body['code'], 'VALIDATION_FAILED');
      assert.equal(r.body['key'], key);
      assert.match(String(r.body['rule']), rule);
      assert.match(String(r.body['detail']), new RegExp(key.replace(/\./g, '\\.')));
    }
    const bad = await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.hls.windowSize': 1 });
    assert.equal(bad.body['value'], 1);
    for (const body of [[1, 2], 'x', {}]) {
      assert.equal((await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await entry('plugins.hls.segmentMs'))?.layer, 'defaults', 'the valid key of a refused change was not saved');
  });

  it('PATCH /api/v1/config: a key set by the environment is 409 CONFIG_LOCKED, never silently ignored', async () => {
    const r = await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.hls.windowSize': 5, 'streams.maxStreams': 10 });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body['code'], 'CONFIG_LOCKED');
    assert.deepEqual(r.body['locked'], [{ key: 'streams.maxStreams', lockedBy: 'env XLIVE_STREAMS_MAX_STREAMS' }]);
    assert.equal((await entry('plugins.hls.windowSize'))?.value, 6, 'nothing saved');
    assert.equal((await entry('streams.maxStreams'))?.value, 32);
  });

  it('ATTACK: a system:admin token tries to turn on lab mode or disable the auth plugin: refused, the box still enforces auth', async () => {
    for (const body of [{ 'auth.labMode': true }, { auth: { labMode: true } }, { 'pluginHost.disable': ['auth-local'] }, { pluginHost: { disable: ['auth-local'] } }]) {
      const r = await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, body);
      assert.equal(r.status, 409, JSON.stringify(body));
      assert.equal(r.body['code'], 'CONFIG_LOCKED');
      assert.equal((r.body['locked'] as Array<{ lockedBy: string }>)[0]?.lockedBy, 'console-only');
    }
    const viaPlugin = await call(app.httpUrl, 'PUT', '/api/v1/plugins/auth-local/config', { token: pluginsAdmin }, { publishAuth: 'key', lockout: {} });
    assert.equal(viaPlugin.status, 200, 'its own section is fine');
    assert.equal((await entry('auth.labMode'))?.value, false);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/streams')).status, 401, 'still refuses the anonymous');
    const version = await call(app.httpUrl, 'GET', '/api/v1/version');
    assert.equal(version.body['labMode'], false);
    assert.equal(version.body['auth'], 'enforced');
  });

  it('403 for a token without the scope, on every config route', async () => {
    const routes: Array<[string, string, unknown, string]> = [
      ['GET', '/api/v1/config', undefined, 'system:read'],
      ['PATCH', '/api/v1/config', { 'plugins.hls.windowSize': 4 }, 'system:admin'],
      ['PUT', '/api/v1/plugins/hls/config', { windowSize: 4 }, 'plugins:admin'],
      ['PATCH', '/api/v1/plugins/hls/config', { windowSize: 4 }, 'plugins:admin'],
      ['POST', '/api/v1/plugins/webhooks/restart', undefined, 'plugins:admin'],
    ];
    const streamsOnly = (await makeToken(app.httpUrl, admin, ['streams:read'])).token;
    for (const [method, path, body, scope] of routes) {
      const r = await call(app.httpUrl, method, path, { token: streamsOnly }, body);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body['requiredScope'], scope);
      const anon = await call(app.httpUrl, method, path, {}, body);
      assert.equal(anon.status, 401, `${method} ${path}`);
    }
    // system:read may read but not change.
    assert.equal((await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: reader }, { 'plugins.hls.windowSize': 4 })).status, 403);
    assert.equal((await entry('plugins.hls.windowSize'))?.value, 6);
  });

  it('live: publish auth opened, HLS window and segment length changed; a new ffmpeg stream shows them, no restart', async () => {
    const pid = app.child.pid;
    // Publishing needs a key until the policy changes live.
    const refused = startPublisher(`${app.rtmpUrl}/live/before`, 5);
    peers.push(refused);
    assert.notEqual(await refused.exited, 0, 'publishing without a key is refused');

    const open = await call<{ changes: Change[] }>(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.auth-local.publishAuth': 'open' });
    assert.equal(open.status, 200, JSON.stringify(open.body));
    assert.deepEqual(open.body.changes, [{ key: 'plugins.auth-local.publishAuth', value: 'open', layer: 'settings', applied: 'live' }]);

    const r = await call<{ changes: Change[]; pendingRestart: string[] }>(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, {
      'plugins.hls.windowSize': 3,
      'plugins.hls.segmentMs': 1000,
      'plugins.hls.segmentMaxAgeSeconds': 60,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.changes, [
      { key: 'plugins.hls.windowSize', value: 3, layer: 'settings', applied: 'live' },
      { key: 'plugins.hls.segmentMs', value: 1000, layer: 'settings', applied: 'live' },
      { key: 'plugins.hls.segmentMaxAgeSeconds', value: 60, layer: 'settings', applied: 'restart' },
    ]);
    assert.deepEqual(r.body.pendingRestart, ['plugins.hls.segmentMaxAgeSeconds']);
    assert.deepEqual(await entry('plugins.hls.windowSize'), { key: 'plugins.hls.windowSize', value: 3, layer: 'settings', origin: 'settings', lockedBy: null });

    const pub = startPublisher(`${app.rtmpUrl}/live/after`, 30);
    peers.push(pub);
    const url = `${app.httpUrl}/hls/live/after/index.m3u8`;
    // 1 s keyframes (-g 25 at 25 fps): once more than 3 segments were cut the window slides.
    const playlist = await waitUntil('the window of 3 slides', async () => {
      const res = await fetch(url);
      if (res.status !== 200) return undefined;
      const text = await res.text();
      const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
      return seq >= 2 ? text : undefined;
    }, 30_000, 250);
    assert.match(playlist, /#EXT-X-TARGETDURATION:1\n/);
    assert.equal([...playlist.matchAll(/#EXTINF:/g)].length, 3);
    assert.equal(app.child.pid, pid);
    assert.equal(app.child.exitCode, null, 'the box did not restart');
  });

  it('GET /api/v1/config lists what `xlive config check` prints: the same keys from the same layers', async () => {
    const env = { ...ENV, XLIVE_DATA_DIR: app.dataDir, XLIVE_HTTP_HOST: '127.0.0.1', XLIVE_HTTP_PORT: '0', XLIVE_RTMP_HOST: '127.0.0.1', XLIVE_RTMP_PORT: '0', XLIVE_LOG_LEVEL: 'info' };
    const check = await runCli(['config', 'check'], env, app.dataDir);
    assert.equal(check.code, 0, check.stderr);
    const printed = new Map<string, string>();
    for (const line of check.stdout.split('\n')) {
      const m = /^(\S+) = .*?\s+\((.+)\)$/.exec(line);
      if (m) printed.set(m[1]!, m[2]!);
    }
    const listed = new Map((await entries()).entries.map((e) => [e.key, e.origin]));
    assert.ok(printed.size > 50, `${printed.size} lines`);
    assert.deepEqual(listed, printed);
    assert.equal(printed.get('plugins.hls.windowSize'), 'settings', 'the value saved through the API');
  });

  it('plugins: GET shows configSchema and config; PUT replaces and PATCH merges, validated; env keys locked', async () => {
    const got = await call(app.httpUrl, 'GET', '/api/v1/plugins/http-flv', { token: reader });
    assert.equal(got.status, 200);
    assert.equal((got.body['configSchema'] as { type: string }).type, 'object');
    assert.equal((got.body['config'] as { maxViewers: number }).maxViewers, 100);
    assert.equal(got.body['enabled'], true);
    assert.equal(got.body['enabledAfterRestart'], true);
    assert.equal(got.body['pending'], false);

    const locked = await call(app.httpUrl, 'PATCH', '/api/v1/plugins/http-flv/config', { token: pluginsAdmin }, { maxViewers: 5 });
    assert.equal(locked.status, 409);
    assert.deepEqual(locked.body['locked'], [{ key: 'plugins.http-flv.maxViewers', lockedBy: 'env XLIVE_HTTP_FLV_MAX_VIEWERS' }]);

    const bad = await call(app.httpUrl, 'PATCH', '/api/v1/plugins/webhooks/config', { token: pluginsAdmin }, { urls: ['ftp://x'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body['key'], 'plugins.webhooks.urls.0');
    assert.match(String(bad.body['rule']), /must match pattern/);
    const unknown = await call(app.httpUrl, 'PUT', '/api/v1/plugins/webhooks/config', { token: pluginsAdmin }, { urlz: [] });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body['key'], 'plugins.webhooks.urlz');
    assert.equal((await call(app.httpUrl, 'PUT', '/api/v1/plugins/nope/config', { token: pluginsAdmin }, {})).status, 404);

    const merged = await call<{ changes: Change[]; plugin: { config: Record<string, unknown> } }>(app.httpUrl, 'PATCH', '/api/v1/plugins/webhooks/config', { token: pluginsAdmin }, { retries: 1, types: ['stream.*'] });
    assert.equal(merged.status, 200, JSON.stringify(merged.body));
    assert.deepEqual(merged.body.changes.map((c) => [c.key, c.applied]), [['plugins.webhooks.retries', 'live'], ['plugins.webhooks.types', 'live']]);
    assert.equal(merged.body.plugin.config['retries'], 1);
    assert.equal(merged.body.plugin.config['secret'], '***', 'merge kept the secret set before');

    const replaced = await call<{ plugin: { config: Record<string, unknown> } }>(app.httpUrl, 'PUT', '/api/v1/plugins/webhooks/config', { token: pluginsAdmin }, { timeoutMs: 1000 });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.plugin.config['timeoutMs'], 1000);
    assert.equal(replaced.body.plugin.config['retries'], 3, 'replace dropped the merged keys (default again)');
    assert.equal(replaced.body.plugin.config['secret'], undefined);

    const removed = await call<{ changes: Change[] }>(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.webhooks': null });
    assert.equal(removed.status, 200);
    assert.equal((await entry('plugins.webhooks.timeoutMs'))?.layer, 'defaults');
  });

  it('disabling reports the pending state truthfully: enabled (now) vs enabledAfterRestart', async () => {
    const off = await call(app.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', { token: pluginsAdmin }, { enabled: false });
    assert.equal(off.status, 200);
    assert.equal(off.body['enabled'], true, 'still runs now');
    assert.equal(off.body['enabledAfterRestart'], false);
    assert.equal(off.body['pending'], true);
    assert.equal(off.body['restartRequired'], true);
    const list = await call<{ items: Array<Record<string, unknown>> }>(app.httpUrl, 'GET', '/api/v1/plugins', { token: reader });
    assert.equal(list.body.items.find((p) => p['id'] === 'webhooks')?.['enabledAfterRestart'], false);
    const on = await call(app.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', { token: pluginsAdmin }, { enabled: true });
    assert.equal(on.body['pending'], false);
    assert.equal(on.body['restartRequired'], false);
  });

  it('POST /api/v1/plugins/:id/restart: in place where possible, 409 PLUGIN_RESTART_UNSUPPORTED where not', async () => {
    const before = await call(app.httpUrl, 'GET', '/api/v1/plugins/rtmp', { token: reader });
    assert.equal(before.body['state'], 'running');
    const r = await call(app.httpUrl, 'POST', '/api/v1/plugins/webhooks/restart', { token: pluginsAdmin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body['state'], 'running');
    const rtmp = await call(app.httpUrl, 'POST', '/api/v1/plugins/rtmp/restart', { token: pluginsAdmin });
    assert.equal(rtmp.status, 200, JSON.stringify(rtmp.body));
    assert.equal(rtmp.body['state'], 'running');
    // Its new listener (port 0: a new ephemeral port) takes a publish again, with a key.
    assert.equal((await call(app.httpUrl, 'PATCH', '/api/v1/config', { token: adminToken }, { 'plugins.auth-local.publishAuth': 'key' })).status, 200);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/stream-keys', admin)).body['publishAuth'], 'key');
    const key = await call<{ publish: { urlWithQuery: string } }>(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/again' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const rtmpPort = /:(\d+)\//.exec(key.body.publish.urlWithQuery.slice(7))![1]!;
    const hlsKey = await call<{ key: string }>(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/hls-again' });
    const streamKey = hlsKey.body.key;
    const again = startPublisher(key.body.publish.urlWithQuery.replace(/^rtmp:\/\/[^:/]+:/, 'rtmp://127.0.0.1:'), 20);
    peers.push(again);
    await waitUntil('a publish through the restarted rtmp plugin', async () => (await call(app.httpUrl, 'GET', '/api/v1/streams/live/again', admin)).status === 200, 20_000, 250);
    await again.stop();
    // hls serves routes: they were mounted once and now call the new instance's handlers.
    const hls = await call(app.httpUrl, 'POST', '/api/v1/plugins/hls/restart', { token: pluginsAdmin });
    assert.equal(hls.status, 200, JSON.stringify(hls.body));
    assert.equal(hls.body['state'], 'running');
    const pub = startPublisher(`${app.rtmpUrl.replace(/:\d+$/, '')}:${rtmpPort}/live/hls-again?key=${streamKey}`, 20);
    peers.push(pub);
    await waitUntil('HLS from the restarted hls plugin', async () => (await fetch(`${app.httpUrl}/hls/live/hls-again/index.m3u8`)).status === 200, 20_000, 250);
    await pub.stop();
    for (const [id, why] of [['storage-local', /provides storage/], ['auth-local', /authentication/]] as const) {
      const no = await call(app.httpUrl, 'POST', `/api/v1/plugins/${id}/restart`, { token: pluginsAdmin });
      assert.equal(no.status, 409, id);
      assert.equal(no.headers.get('content-type'), 'application/problem+json');
      assert.equal(no.body['code'], 'PLUGIN_RESTART_UNSUPPORTED');
      assert.match(String(no.body['detail']), why);
    }
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/plugins/nope/restart', { token: pluginsAdmin })).status, 404);
    const events = await call<{ items: Array<{ type: string; message: string }> }>(app.httpUrl, 'GET', '/api/v1/events?type=plugin.restarted', { token: reader });
    assert.ok(events.body.items.some((e) => /webhooks restarted by token:/.test(e.message)));
    assert.equal((await fetch(`${app.httpUrl}/healthz`)).status, 200);
  });
});
