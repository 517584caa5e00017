/**
 * Auth fails closed, on the real appliance with real ffmpeg publishers. The attacks: a truncated
 * `jwt-secret`, auth-local disabled by config or on the console, lab mode smuggled in through the
 * settings layer, disabling auth-local through the API, and reading protected stream names and internal
 * error text from the public /metrics and /readyz. Each must now fail while the box keeps serving.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { SettingsRepository } from '../../core/store/settings-repository.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { parseExposition, sampleValue } from '../../plugins/metrics-prometheus/testing/exposition-parser.js';
import { runToEnd, startPublisher } from '../helpers/media-peers.js';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

const PW = 'fail-closed e2e password';
const CHROMIUM = '/usr/bin/chromium';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '0' };
const ALL_SCOPES = ['streams:read', 'streams:write', 'recordings:read', 'recordings:write', 'plugins:admin', 'system:read', 'system:admin', 'users:admin', 'metrics:read'];

type Problem = { code: string; status: number; detail: string };

/** First boot: the admin, an all-scopes token, and a configured stream with its key. */
async function provision(app: ApplianceHandle): Promise<{ admin: Creds; token: string; key: string }> {
  const admin = await signIn(app.httpUrl, 'admin', PW);
  const { token } = await makeToken(app.httpUrl, admin, ALL_SCOPES);
  const created = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/stage' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return { admin, token, key: String(created.body['key']) };
}

/** The status a WebSocket upgrade request gets (101 when accepted). */
function wsUpgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer to the upgrade')));
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

async function publishRefused(app: ApplianceHandle, path: string): Promise<void> {
  const r = await runToEnd(startPublisher(`${app.rtmpUrl}/${path}`, 2));
  assert.notEqual(r.code, 0, `publishing ${path.replace(/\/[A-Za-z0-9_-]{32}$/, '/<key>')} must be refused`);
}

/** Everything that needs a decision is refused with 503 AUTH_UNAVAILABLE; the public routes still answer. */
async function assertClosed(app: ApplianceHandle, token?: string): Promise<void> {
  const creds: Creds = token ? { token } : {};
  for (const [method, path, body] of [
    ['GET', '/api/v1/system', undefined],
    ['GET', '/api/v1/plugins', undefined],
    ['GET', '/api/v1/plugins/auth-local', undefined],
    ['PATCH', '/api/v1/plugins/auth-local', { enabled: false }],
    ['PATCH', '/api/v1/plugins/webhooks', { enabled: false }],
    ['GET', '/api/v1/streams', undefined],
    ['DELETE', '/api/v1/streams/live/stage', undefined],
    ['GET', '/api/v1/events', undefined],
  ] as const) {
    for (const c of token ? [{}, creds] : [{}]) {
      const r = await call<Problem>(app.httpUrl, method, path, c, body);
      assert.equal(r.status, 503, `${method} ${path} ${c === creds ? 'with a token' : 'anonymous'}: ${JSON.stringify(r.body)}`);
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.equal(r.body.code, 'AUTH_UNAVAILABLE');
    }
  }
  // Playback needs a decision too (is the stream protected?): refused before anything else.
  for (const path of ['/hls/live/stage/index.m3u8', '/flv/live/stage.flv']) {
    const r = await call<Problem>(app.httpUrl, 'GET', path);
    assert.equal(r.status, 503, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.code, 'AUTH_UNAVAILABLE');
  }
  assert.equal(await wsUpgradeStatus(`${app.httpUrl}/flv/live/stage.flv`), 503, 'WebSocket-FLV playback is refused too');
  assert.equal((await fetch(`${app.httpUrl}/healthz`)).status, 200, 'the box keeps serving its public routes');
  const version = await call<{ auth: string; labMode: boolean }>(app.httpUrl, 'GET', '/api/v1/version');
  assert.equal(version.status, 200);
  assert.equal(version.body.auth, 'closed');
  assert.equal(version.body.labMode, false);
  const metrics = parseExposition(await (await fetch(`${app.httpUrl}/metrics`)).text());
  assert.equal(sampleValue(metrics, 'xlive_auth_available'), 0);
  assert.equal(sampleValue(metrics, 'xlive_auth_lab_mode'), 0);
}

/** /readyz: 503, the `auth` check failing with a public reason naming the plugin, its state and code. */
async function assertReadyzSaysWhy(app: ApplianceHandle, publicWhy: RegExp, mustNotShow: string[]): Promise<void> {
  const res = await fetch(`${app.httpUrl}/readyz`);
  assert.equal(res.status, 503);
  const text = await res.text();
  const body = JSON.parse(text) as Problem & { checks: Array<{ name: string; status: string; publicMessage?: string; message?: string }> };
  assert.equal(body.code, 'NOT_READY');
  const auth = body.checks.find((c) => c.name === 'auth');
  assert.equal(auth?.status, 'fail', text);
  assert.match(auth.publicMessage ?? '', publicWhy);
  assert.match(body.detail, /auth \(no auth provider is running/);
  assert.ok(body.checks.every((c) => c.message === undefined), 'no check message on the public /readyz');
  for (const s of mustNotShow) assert.ok(!text.includes(s), `the public /readyz shows ${s}`);
}

describe('fail closed: a damaged jwt-secret', () => {
  let dir: string;
  let app: ApplianceHandle | undefined;
  let token: string;
  let key: string;
  let damaged: string;
  const secretFile = () => join(dir, 'plugin-data', 'auth-local', 'jwt-secret');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-fail-closed-'));
    const first = await startAppliance({ dataDir: dir, env: FAST });
    try {
      ({ token, key } = await provision(first));
      const ok = await runToEnd(startPublisher(`${first.rtmpUrl}/live/${key}`, 1));
      assert.equal(ok.code, 0, `a healthy box takes the key: ${ok.stderr}`);
    } finally {
      await first.stop();
    }
    damaged = readFileSync(secretFile(), 'utf8').slice(0, 10);
    writeFileSync(secretFile(), damaged);
    // Even with open publishing configured, a box that cannot decide refuses.
    app = await startAppliance({ dataDir: dir, env: { ...FAST, XLIVE_PUBLISH_AUTH: 'open' } });
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 AUTH_UNAVAILABLE on every guarded route, with or without the old admin token', async () => {
    await assertClosed(app!, token);
  });

  it('refuses publishing with the key, without a key, and in open-publish mode', async () => {
    await publishRefused(app!, `live/${key}`);
    await publishRefused(app!, 'live/stage');
    await publishRefused(app!, 'live/anything');
    assert.match(app!.output(), /publish live\/\S+ refused: refused by core: no auth provider is running/);
  });

  it('says why and how to fix it in the log and /readyz, and never replaces the secret', async () => {
    const log = app!.output();
    assert.match(log, /auth unavailable, the box FAILS CLOSED/);
    assert.ok(log.includes(secretFile()), 'the log names the damaged file');
    assert.match(log, /FILE_DAMAGED/);
    assert.match(log, /restore .*jwt-secret from a backup/);
    assert.match(log, /VOIDS every API token and playback link/);
    assert.match(log, /plugin auth-local failed: PLUGIN_SETUP_FAILED/);
    await assertReadyzSaysWhy(app!, /auth-local failed \(PLUGIN_SETUP_FAILED\)/, [secretFile(), dir]);
    assert.equal(readFileSync(secretFile(), 'utf8'), damaged, 'the damaged secret is left for the operator');
  });
});

describe('fail closed: auth-local disabled by config, and lab mode refused from the settings layer', () => {
  let dir: string;
  const env = { XLIVE_PLUGIN_HOST_DISABLE: '["auth-local"]', XLIVE_PUBLISH_AUTH: 'open' };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-fail-closed-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses everything, says which plugin and how to fix it', async () => {
    const app = await startAppliance({ dataDir: dir, env });
    try {
      await assertClosed(app);
      await publishRefused(app, 'live/stage');
      await assertReadyzSaysWhy(app, /auth-local disabled/, []);
      assert.match(app.output(), /auth plugin auth-local is disabled/);
      assert.match(app.output(), /xlive plugins enable auth-local/);
      assert.match(app.output(), /XLIVE_AUTH_LAB_MODE=1/);
    } finally {
      await app.stop();
    }
  });

  it('ignores auth.labMode written into the SQLite settings layer (what the API and panel write)', async () => {
    const db = new Database(join(dir, 'xlive.db'));
    try {
      new SettingsRepository(db).set('auth.labMode', true);
    } finally {
      db.close();
    }
    const app = await startAppliance({ dataDir: dir, env });
    try {
      await assertClosed(app);
      assert.match(app.output(), /settings: auth\.labMode is REFUSED: auth lab mode is chosen only on the console/);
      assert.doesNotMatch(app.output(), /AUTH LAB MODE/);
    } finally {
      await app.stop();
    }
  });
});

describe('the API cannot disable the auth provider; the console can, loudly', () => {
  let dir: string;
  let app: ApplianceHandle | undefined;
  let admin: Creds;
  let token: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-fail-closed-'));
    app = await startAppliance({ dataDir: dir, env: FAST });
    ({ admin, token } = await provision(app));
  });
  after(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('PATCH enabled=false on auth-local is 409 AUTH_PROVIDER_REQUIRED, by token and by admin session', async () => {
    const plugins = await makeToken(app!.httpUrl, admin, ['plugins:admin']);
    for (const creds of [{ token }, { token: plugins.token }, admin]) {
      const r = await call<Problem>(app!.httpUrl, 'PATCH', '/api/v1/plugins/auth-local', creds, { enabled: false });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      assert.equal(r.body.code, 'AUTH_PROVIDER_REQUIRED');
      assert.match(r.body.detail, /only running auth provider/);
    }
    // Other plugins still can be switched (and back).
    assert.equal((await call(app!.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', { token }, { enabled: false })).status, 200);
    assert.equal((await call(app!.httpUrl, 'PATCH', '/api/v1/plugins/webhooks', { token }, { enabled: true })).status, 200);
  });

  it('auth-local is still enabled and running after a restart', async () => {
    await app!.stop();
    app = await startAppliance({ dataDir: dir, env: FAST });
    const p = await call<{ state: string; enabled: boolean }>(app.httpUrl, 'GET', '/api/v1/plugins/auth-local', { token });
    assert.equal(p.status, 200);
    assert.equal(p.body.enabled, true);
    assert.equal(p.body.state, 'running');
  });

  it('the console may disable it, with a loud warning; the box then fails closed', async () => {
    await app!.stop();
    app = undefined;
    const r = await runCli(['plugins', 'disable', 'auth-local'], { XLIVE_DATA_DIR: dir }, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /WARNING: auth-local is an auth plugin\. After the next restart .* REFUSE every API request, publish and play/);
    app = await startAppliance({ dataDir: dir, env: FAST });
    await assertClosed(app, token);
  });
});

describe('lab mode: open only when chosen on the console', () => {
  let app: ApplianceHandle;
  before(async () => {
    app = await startAppliance({ env: { XLIVE_PLUGIN_HOST_DISABLE: '["auth-local"]', XLIVE_AUTH_LAB_MODE: '1' } });
  });
  after(async () => {
    await app?.stop();
  });

  it('is open, says so loudly at start, in a metric, the version endpoint and the panel', async () => {
    assert.equal((await fetch(`${app.httpUrl}/api/v1/system`)).status, 200);
    assert.match(app.output(), /AUTH LAB MODE \(from env XLIVE_AUTH_LAB_MODE\): no auth plugin is running .* OPEN to anyone/);
    const metrics = parseExposition(await (await fetch(`${app.httpUrl}/metrics`)).text());
    assert.equal(sampleValue(metrics, 'xlive_auth_lab_mode'), 1);
    assert.equal(sampleValue(metrics, 'xlive_auth_available'), 0);
    const version = await call<{ auth: string; labMode: boolean }>(app.httpUrl, 'GET', '/api/v1/version');
    assert.deepEqual([version.body.labMode, version.body.auth], [true, 'lab-open']);
    const panel = await (await fetch(`${app.httpUrl}/panel/panel.js`)).text();
    assert.match(panel, /LAB MODE/);
    const ready = (await (await fetch(`${app.httpUrl}/readyz`)).json()) as { checks: Array<{ name: string; status: string }> };
    assert.equal(ready.checks.find((c) => c.name === 'auth')?.status, 'warn');
    const pub = await runToEnd(startPublisher(`${app.rtmpUrl}/live/lab`, 1));
    assert.equal(pub.code, 0, `lab mode publishes without a key: ${pub.stderr}`);
  });
});

describe('public /metrics and /readyz show what a stranger may see', () => {
  let app: ApplianceHandle;
  let token: string;
  let key: string;
  const STREAM = 'hiddenshow';
  before(async () => {
    app = await startAppliance({
      env: {
        ...FAST,
        XLIVE_SYSTEM_HEALTH_POLL_INTERVAL_MS: '1000',
        // A failing check whose message names an internal path.
        XLIVE_SYSTEM_HEALTH_DISK: JSON.stringify({ warnBelowPercent: 100, failBelowPercent: 100, warnBelowBytes: 1e15, failBelowBytes: 1e15 }),
      },
    });
    const admin = await signIn(app.httpUrl, 'admin', PW);
    ({ token } = await makeToken(app.httpUrl, admin, ['metrics:read', 'system:read']));
    const created = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: `live/${STREAM}`, protected: true });
    assert.equal(created.status, 201);
    key = String(created.body['key']);
  });
  after(async () => {
    await app?.stop();
  });

  it('leaves out protected stream names, paths and error text unless the caller has the scope', async () => {
    const publisher = startPublisher(`${app.rtmpUrl}/live/${key}`, 30);
    try {
      const auth = { authorization: `Bearer ${token}` };
      const deadline = Date.now() + 20_000;
      let full = '';
      while (!full.includes(`stream="live/${STREAM}"`)) {
        assert.ok(Date.now() < deadline, `the stream did not show up in the scoped /metrics:\n${app.output().slice(-2000)}`);
        await sleep(300);
        full = await (await fetch(`${app.httpUrl}/metrics`, { headers: auth })).text();
      }
      const publicMetrics = await (await fetch(`${app.httpUrl}/metrics`)).text();
      assert.ok(!publicMetrics.includes(STREAM), 'the public /metrics names the protected stream');
      assert.ok(!publicMetrics.includes(app.dataDir), 'the public /metrics names a filesystem path');
      assert.equal(sampleValue(parseExposition(publicMetrics), 'xlive_streams_active'), 1, 'totals stay public');
      assert.ok(full.includes(app.dataDir), 'the scoped view has the disk paths');

      const pub = await fetch(`${app.httpUrl}/readyz`);
      assert.equal(pub.status, 503);
      const pubText = await pub.text();
      const pubBody = JSON.parse(pubText) as { detail: string; checks: Array<{ name: string; status: string; message?: string }> };
      assert.equal(pubBody.checks.find((c) => c.name === 'system-health/disk-free')?.status, 'fail');
      assert.ok(pubBody.checks.every((c) => c.message === undefined), pubText);
      for (const s of [app.dataDir, STREAM]) assert.ok(!pubText.includes(s), `the public /readyz shows ${s}`);
      assert.match(pubBody.detail, /details need the system:read scope/);

      const scoped = await fetch(`${app.httpUrl}/readyz`, { headers: auth });
      const scopedText = await scoped.text();
      assert.equal(scoped.status, 503);
      assert.ok(scopedText.includes(app.dataDir), `system:read sees the check messages: ${scopedText}`);
      assert.equal((await fetch(`${app.httpUrl}/readyz`, { headers: { authorization: 'Bearer forged.token.here' } })).status, 401);
      assert.equal((await fetch(`${app.httpUrl}/metrics`, { headers: { authorization: 'Bearer forged.token.here' } })).status, 401);
    } finally {
      publisher.child.kill('SIGINT');
      await publisher.exited;
    }
  });
});

describe('the panel shows why the box is open or closed (Chromium)', { skip: existsSync(CHROMIUM) ? false : 'chromium missing' }, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
  });

  for (const [env, banner] of [
    [{ XLIVE_PLUGIN_HOST_DISABLE: '["auth-local"]', XLIVE_AUTH_LAB_MODE: '1' }, /^LAB MODE: no auth plugin is running and this box is OPEN/],
    [{ XLIVE_PLUGIN_HOST_DISABLE: '["auth-local"]' }, /^No auth plugin is running, so this box refuses every sign-in, publish and play/],
  ] as const) {
    it(`banner: ${banner.source.slice(1, 30)}…`, async () => {
      const app = await startAppliance({ env });
      const page = await browser.newPage();
      try {
        await page.goto(app.httpUrl + '/');
        await page.locator('#auth-banner').waitFor({ state: 'visible', timeout: 10_000 });
        assert.match((await page.textContent('#auth-banner')) ?? '', banner);
      } finally {
        await page.close();
        await app.stop();
      }
    });
  }
});
