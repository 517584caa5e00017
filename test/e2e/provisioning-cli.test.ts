/**
 * Flash-time provisioning through the console commands xlive-provision runs at first boot: an admin from
 * a password hash made on another machine (`xlive admin hash-password`, then `xlive admin create` with
 * XLIVE_ADMIN_PASSWORD_HASH), and a stream key chosen before the box exists (`xlive keys create` with
 * XLIVE_STREAM_KEY). Then the real box: the admin signs in with the original password, ffmpeg
 * publishes with the chosen key. Malformed hashes and weak or reused keys are refused.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, cookiePair } from '../../plugins/auth-local/testing/http-client.js';
import { runCli, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { runToEnd, startPublisher } from '../helpers/media-peers.js';
import { waitUntil } from '../helpers/wait.js';

const PASSWORD = 'provisioned password 1';
const KEY = 'Abcdefghijklmnopqrstuvwxyz012-_9';

describe('provisioning from the console: admin by hash, stream keys chosen in advance', () => {
  let work: string;
  let dataDir: string;
  let app: ApplianceHandle | undefined;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'xlive-provision-'));
    dataDir = join(work, 'data');
    mkdirSync(dataDir);
  });
  after(async () => {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('creates the admin from a hash made elsewhere and a stream key with a given value; refuses bad ones', async () => {
    const elsewhere = join(work, 'laptop');
    mkdirSync(elsewhere);
    const hashed = await runCli(['admin', 'hash-password'], { XLIVE_DATA_DIR: elsewhere, XLIVE_ADMIN_PASSWORD: PASSWORD }, elsewhere);
    assert.equal(hashed.code, 0, hashed.stderr);
    const hash = hashed.stdout.trim();
    assert.match(hash, /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    assert.ok(!hash.includes(PASSWORD));
    const short = await runCli(['admin', 'hash-password'], { XLIVE_DATA_DIR: elsewhere, XLIVE_ADMIN_PASSWORD: 'short' }, elsewhere);
    assert.equal(short.code, 1);

    const env = { XLIVE_DATA_DIR: dataDir };
    const bad = await runCli(['admin', 'create', 'admin'], { ...env, XLIVE_ADMIN_PASSWORD_HASH: '$scrypt$ln=1,r=1,p=1$AAAA$BBBB' }, work);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not one "xlive admin hash-password" makes/);
    const created = await runCli(['admin', 'create', 'admin'], { ...env, XLIVE_ADMIN_PASSWORD_HASH: hash }, work);
    assert.equal(created.code, 0, created.stderr);

    const weak = await runCli(['keys', 'create', 'live/stage'], { ...env, XLIVE_STREAM_KEY: 'password' }, work);
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /32 characters/);
    const key = await runCli(['keys', 'create', 'live/stage', '--protected'], { ...env, XLIVE_STREAM_KEY: KEY }, work);
    assert.equal(key.code, 0, key.stderr);
    assert.ok(!key.stdout.includes(KEY), 'a given key is not echoed');
    const reused = await runCli(['keys', 'create', 'live/other'], { ...env, XLIVE_STREAM_KEY: KEY }, work);
    assert.equal(reused.code, 1);
    assert.match(reused.stderr, /another stream already has this key/);
    const generated = await runCli(['keys', 'create', 'live/other'], env, work);
    assert.equal(generated.code, 0);
    assert.match(generated.stdout, /stream key for live\/other: [A-Za-z0-9_-]{32}\n/);
    const list = await runCli(['keys', 'list'], env, work);
    assert.equal(list.stdout, 'live/other\nlive/stage (protected)\n');
  });

  it('the box: setup is closed, the admin signs in with the original password, ffmpeg publishes with the chosen key', async () => {
    app = await startAppliance({ dataDir });
    const setup = await call(app.httpUrl, 'GET', '/api/v1/setup');
    assert.equal(setup.body['open'], false);
    const login = await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: PASSWORD });
    assert.equal(login.status, 200);
    const wrong = await call(app.httpUrl, 'POST', '/api/v1/session', {}, { username: 'admin', password: 'not the password' });
    assert.equal(wrong.status, 401);
    const pub = startPublisher(`${app.rtmpUrl}/live/${KEY}`, 6);
    const session = { cookie: cookiePair(login.headers.get('set-cookie')) };
    await waitUntil('live/stage published', async () => ((await call(app!.httpUrl, 'GET', '/api/v1/streams/live/stage', session)).status === 200 ? true : undefined), 30_000, 250);
    await runToEnd(pub);
  });
});
