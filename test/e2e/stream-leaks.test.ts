/**
 * Issue 9 §6 (the auth leaks), attacked against the real appliance with real ffmpeg peers: a stream
 * key used on the wrong app and a rotated key never reach the log (only a fingerprint); playback
 * links are revocable, "Protect" and revocation cut viewers already watching (HTTP-FLV and RTMP),
 * and deleting a protected stream's key cannot make it public; wrong `?key=`/`?token=` on playback do
 * not block publishing from that address; publish URLs never echo a forged `Host`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { rawRequest, startPublisher, startViewer, waitFor, type Peer } from '../helpers/media-peers.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';

const PW = 'correct horse battery';
const ENV = {
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0',
  XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20',
  XLIVE_HTTP_PUBLIC_NAMES: '["box.example.test"]',
};
const fingerprint = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 8);

describe('stream auth leaks (real box, real ffmpeg)', () => {
  let app: ApplianceHandle;
  let admin: Creds;
  let ops: Creds;
  const peers: Peer[] = [];
  const peer = (p: Peer) => (peers.push(p), p);
  const readers = async (path: string) => {
    const r = await call<{ readers?: number }>(app.httpUrl, 'GET', `/api/v1/streams/${path}`, ops);
    return r.status === 200 ? (r.body.readers ?? 0) : -1;
  };
  const newKey = async (path: string, extra: Record<string, unknown> = {}) => {
    const r = await call(app.httpUrl, 'POST', '/api/v1/stream-keys', ops, { path, ...extra });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return String(r.body['key']);
  };

  before(async () => {
    app = await startAppliance({ env: ENV });
    admin = await signIn(app.httpUrl, 'admin', PW);
    ops = { token: (await makeToken(app.httpUrl, admin, ['streams:read', 'streams:write'])).token };
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.stop()));
    await app?.stop();
  });

  it('(a) a valid key on the wrong app, and a rotated old key, are logged only as a fingerprint', async () => {
    const key = await newKey('live/stage');
    const wrongApp = await startPublisher(`${app.rtmpUrl}/other/${key}`, 2).exited;
    assert.notEqual(wrongApp, 0, 'refused on the wrong app');
    assert.equal((await rawRequest(`${app.httpUrl}/hls/other/${key}/index.m3u8`)).status, 401);
    const rotated = await call(app.httpUrl, 'POST', '/api/v1/stream-keys/live/stage/rotation', ops);
    const fresh = String(rotated.body['key']);
    assert.notEqual(await startPublisher(`${app.rtmpUrl}/live/${key}`, 2).exited, 0, 'the old key is refused');
    assert.notEqual(await startPublisher(`${app.rtmpUrl}/live/stage?key=${key}`, 2).exited, 0);
    await new Promise((r) => setTimeout(r, 300));
    const out = app.output();
    for (const secret of [key, fresh]) {
      assert.ok(!out.includes(secret), 'no key in the log');
      assert.ok(!out.includes(secret.slice(0, 12)), 'nor a prefix of one');
    }
    assert.ok(out.includes(fingerprint(key)), `the fingerprint ${fingerprint(key)} is:\n${out.slice(-3000)}`);
    const audit = await call(app.httpUrl, 'GET', '/api/v1/audit?action=publish.refused', admin);
    assert.ok(!JSON.stringify(audit.body).includes(key), 'nor in the audit log');
  });

  it('(b) "Protect" and revocation cut connected viewers (HTTP-FLV and RTMP); old links die; deleting the key cannot unprotect', async () => {
    const key = await newKey('live/show');
    const pub = peer(startPublisher(`${app.rtmpUrl}/live/${key}`, 90));
    assert.ok(await waitFor(async () => (await readers('live/show')) >= 0, 15_000), `published: ${pub.stderr()}`);
    const flv = peer(startViewer(`${app.httpUrl}/flv/live/show.flv`));
    const rtmp = peer(startViewer(`${app.rtmpUrl}/live/show`));
    assert.ok(await waitFor(async () => (await readers('live/show')) >= 2, 15_000), 'both viewers are watching');
    assert.ok(flv.running() && rtmp.running());

    const protect = await call(app.httpUrl, 'PATCH', '/api/v1/stream-keys/live/show', ops, { protected: true });
    assert.equal(protect.status, 200);
    assert.ok(await waitFor(() => !flv.running() && !rtmp.running(), 15_000), 'the viewers without a link were cut');
    assert.equal(await readers('live/show'), 0);
    assert.ok(pub.running(), 'the publisher goes on');
    assert.equal((await rawRequest(`${app.httpUrl}/hls/live/show/index.m3u8`)).status, 403, 'no link, no playlist');

    const link = async () => String((await call(app.httpUrl, 'POST', '/api/v1/playback-tokens', ops, { path: 'live/show' })).body['token']);
    const old = await link();
    const holder = peer(startViewer(`${app.httpUrl}/flv/live/show.flv?token=${old}`));
    assert.ok(await waitFor(async () => (await readers('live/show')) >= 1, 15_000), `the link holder watches: ${holder.stderr()}`);
    // HLS keeps a viewer session's play decision for a while: revocation must drop it too.
    assert.ok(await waitFor(async () => (await rawRequest(`${app.httpUrl}/hls/live/show/index.m3u8?token=${old}`)).status === 200, 15_000), 'the link plays over HLS');
    const revoked = await call(app.httpUrl, 'POST', '/api/v1/stream-keys/live/show/playback-revocation', ops);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body['playbackEpoch'], 1);
    assert.ok(await waitFor(() => !holder.running(), 15_000), 'revocation cut the viewer');
    assert.equal((await rawRequest(`${app.httpUrl}/hls/live/show/index.m3u8?token=${old}`)).status, 401, 'the old link is dead');
    const fresh = await link();
    assert.ok(await waitFor(async () => (await rawRequest(`${app.httpUrl}/hls/live/show/index.m3u8?token=${fresh}`)).status === 200, 15_000), 'a new link works');

    const del = await call(app.httpUrl, 'DELETE', '/api/v1/stream-keys/live/show', ops);
    assert.equal(del.status, 409, 'a protected stream keeps its key');
    assert.equal((await rawRequest(`${app.httpUrl}/hls/live/show/index.m3u8`)).status, 403, 'and stays protected');
    assert.ok(pub.running());
    await pub.stop();
  });

  it('(c) wrong ?key= and ?token= on playback (HLS, HTTP-FLV) do not block publishing from that address', async () => {
    const key = await newKey('live/budget');
    await newKey('live/vip', { protected: true });
    for (let i = 0; i < 12; i++) {
      assert.equal((await rawRequest(`${app.httpUrl}/hls/live/budget/index.m3u8?key=${'w'.repeat(32)}`)).status, 401);
      assert.equal((await rawRequest(`${app.httpUrl}/flv/live/vip.flv?token=v2.0.9999999999.${'a'.repeat(43)}`)).status, 401);
    }
    const pub = await startPublisher(`${app.rtmpUrl}/live/budget?key=${key}`, 2).exited;
    assert.equal(pub, 0, 'the encoder on the same address still publishes');
  });

  it('(d) a forged Host never ends up in the publish URLs: public name (or own address) and the real RTMP port', async () => {
    const rtmpPort = app.ports['rtmp']!.port;
    const forged = await rawRequest(`${app.httpUrl}/api/v1/stream-keys`, {
      method: 'POST',
      headers: { host: 'evil.example', authorization: `Bearer ${ops.token}` },
      body: { path: 'live/forged' },
    });
    assert.equal(forged.status, 201, forged.body);
    assert.ok(!forged.body.includes('evil.example'), forged.body);
    const publish = forged.json<{ publish: { server: string; url: string } }>().publish;
    assert.equal(publish.server, `rtmp://box.example.test:${rtmpPort}/live`);
    const rotated = await rawRequest(`${app.httpUrl}/api/v1/stream-keys/live/forged/rotation`, { method: 'POST', headers: { authorization: `Bearer ${ops.token}` } });
    assert.equal(rotated.json<{ publish: { server: string } }>().publish.server, `rtmp://127.0.0.1:${rtmpPort}/live`, "the box's own address the request came to");
  });
});
