/**
 * Recordings and per-stream settings over /api/v1 against the real appliance (CLI `serve`), with
 * ffmpeg publishing over RTMP and ffprobe/curl as clients: start and stop recording a live stream
 * through the API, "always record" for the next publish, the list (paging, filters), details, delete,
 * downloads with Range (exact bytes, a resumed cut download), and signed links used without a session
 * — and refused when forged, expired, revoked or meant for another recording.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deriveKeys } from '../../plugins/auth-local/box-secret.js';
import { signLinkToken } from '../../plugins/auth-local/link-token.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, type Peer } from '../helpers/media-peers.js';
import { waitUntil } from '../helpers/wait.js';

interface Item {
  id: string;
  stream: string;
  startedAt: string;
  endedAt: string | null;
  active: boolean;
  segments: number;
  bytes: number;
  playlistUrl: string;
  downloadUrl: string;
}
interface Page {
  items: Item[];
  next: string | null;
}

function tool(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const haveTools = (await tool('ffmpeg', ['-version'])).code === 0 && (await tool('ffprobe', ['-version'])).code === 0 && (await tool('curl', ['--version'])).code === 0;

async function bytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const r = await fetch(url, { headers });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

describe('recordings over /api/v1 on the real appliance', { skip: haveTools ? false : 'ffmpeg, ffprobe or curl missing' }, () => {
  let app: ApplianceHandle;
  let dir: string;
  let admin: Creds;
  let reader: Creds;
  let writer: Creds;
  let outsider: Creds;
  const peers: Peer[] = [];
  /** The recording started and stopped through the API (live/a). */
  let first: Item;
  /** The recording made by "always record" (live/b). */
  let second: Item;
  let full: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-recapi-'));
    app = await startAppliance({ env: { XLIVE_PUBLISH_AUTH: 'open', XLIVE_HLS_SEGMENT_MS: '1000', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0' } });
    admin = await signIn(app.httpUrl, 'admin', 'correct horse battery');
    reader = { token: (await makeToken(app.httpUrl, admin, ['recordings:read', 'streams:read'])).token };
    writer = { token: (await makeToken(app.httpUrl, admin, ['recordings:read', 'recordings:write', 'streams:read', 'streams:write'])).token };
    outsider = { token: (await makeToken(app.httpUrl, admin, ['metrics:read'])).token };
  });

  after(async () => {
    for (const p of peers) await p.stop();
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = <T = Record<string, unknown>>(method: string, path: string, creds: Creds = writer, body?: unknown) => call<T>(app.httpUrl, method, path, creds, body);
  const details = async (id: string) => (await api<Item & { parts: Array<{ file: string; bytes: number }> }>('GET', `/api/v1/recordings/${id}`, reader)).body;
  const live = async (path: string) => {
    const r = await fetch(`${app.httpUrl}/hls/${path}/index.m3u8`);
    return r.status === 200 ? r.text() : undefined;
  };

  it('starts recording a live stream through the API mid-publish, and stops it: a finalized recording ffprobe reads', async () => {
    const pub = startPublisher(`${app.rtmpUrl}/live/a`, 60);
    peers.push(pub);
    await waitUntil('live/a on HLS', async () => ((await live('live/a'))?.includes('.ts') ? true : undefined), 30_000);
    assert.deepEqual((await api<Page>('GET', '/api/v1/recordings', reader)).body, { items: [], next: null }, 'nothing records by default');

    const started = await api('POST', '/api/v1/streams/live/a/recording');
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = String(started.body['recordingId']);
    assert.equal(started.headers.get('location'), `/api/v1/recordings/${id}`);
    assert.equal((await api('POST', '/api/v1/streams/live/a/recording')).body['recordingId'], id, 'a second start names the running recording');
    await waitUntil('three recorded segments', async () => ((await details(id)).segments >= 3 ? true : undefined), 20_000);
    const running = await details(id);
    assert.equal(running.active, true);
    assert.equal(running.endedAt, null);
    const busy = await api('DELETE', `/api/v1/recordings/${id}`);
    assert.equal(busy.status, 409, 'a running recording is stopped before it is deleted');
    assert.match(String(busy.body['detail']), /still running/);

    const stopped = await api('DELETE', '/api/v1/streams/live/a/recording');
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.equal(stopped.body['recordingId'], id);
    assert.ok(stopped.body['endedAt'], 'the stop answer waits for the recording to be finalized');
    assert.ok(pub.running(), 'the publish goes on');
    const events = (await api<{ items: Array<{ type: string; stream: string; message: string }> }>('GET', '/api/v1/events?type=recording.requested', admin)).body.items;
    assert.ok(events.some((e) => e.stream === 'live/a' && e.message.includes('by token:')), JSON.stringify(events));

    first = await details(id);
    assert.equal(first.active, false);
    const vod = await (await fetch(app.httpUrl + first.playlistUrl, { headers: { authorization: `Bearer ${reader.token}` } })).text();
    assert.match(vod, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.ok(vod.trimEnd().endsWith('#EXT-X-ENDLIST'), vod);

    const dl = await bytes(app.httpUrl + first.downloadUrl, { authorization: `Bearer ${reader.token}` });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('accept-ranges'), 'bytes');
    full = dl.body;
    assert.equal(full.length, first.bytes);
    const file = join(dir, 'first.ts');
    writeFileSync(file, full);
    const probe = await tool('ffprobe', ['-v', 'error', '-of', 'json', '-show_streams', file]);
    assert.equal(probe.code, 0, probe.stderr);
    const codecs = (JSON.parse(probe.stdout) as { streams: Array<{ codec_name: string }> }).streams.map((s) => s.codec_name).sort();
    assert.deepEqual(codecs, ['aac', 'h264']);

    // Two more segments later, the publish has not started another recording.
    const seen = (await details(id)).segments;
    await new Promise((r) => setTimeout(r, 2500));
    const list = (await api<Page>('GET', '/api/v1/recordings?stream=live/a', reader)).body.items;
    assert.deepEqual(list.map((x) => x.id), [id]);
    assert.equal((await details(id)).segments, seen, 'a stopped recording takes no more segments');
    await pub.stop();
  });

  it('start/stop: 404 for a stream that is not live, 400 for a bad path, 401 without and 403 with the wrong scope', async () => {
    assert.equal((await api('POST', '/api/v1/streams/live/nobody/recording')).status, 404);
    assert.equal((await api('DELETE', '/api/v1/streams/live/nobody/recording')).status, 404);
    assert.equal((await api('POST', '/api/v1/streams/live/bad%20name/recording')).status, 400);
    for (const method of ['POST', 'DELETE']) {
      const none = await api(method, '/api/v1/streams/live/a/recording', {});
      assert.equal(none.status, 401);
      const wrong = await api(method, '/api/v1/streams/live/a/recording', reader);
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body['requiredScope'], 'recordings:write');
    }
  });

  it('"always record" and the HLS window, set per stream, apply to the next publish', async () => {
    const set = await api('PUT', '/api/v1/stream-settings/live/b', writer, { recording: { always: true }, hls: { windowSize: 3 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body['recording'], { always: true, effective: true, live: null });
    assert.deepEqual(set.body['hls'], { windowSize: 3, effectiveWindowSize: 3 });
    assert.deepEqual(set.body['protection'], { protected: false, streamKey: '/api/v1/stream-keys/live/b' });
    assert.deepEqual((await api('GET', '/api/v1/stream-settings/live/b', reader)).body, set.body, 'persisted');
    const patched = await api('PATCH', '/api/v1/stream-settings/live/c', writer, { hls: { windowSize: 9 } });
    assert.deepEqual(patched.body['recording'], { always: null, effective: false, live: null });

    const pub = startPublisher(`${app.rtmpUrl}/live/b`, 60);
    peers.push(pub);
    const rec = await waitUntil('a recording of live/b', async () => (await api<Page>('GET', '/api/v1/recordings?stream=live/b', reader)).body.items[0], 30_000);
    assert.equal(rec.active, true);
    const playlist = await waitUntil('six segments of live/b', async () => {
      const d = await details(rec.id);
      return d.segments >= 6 ? live('live/b') : undefined;
    }, 30_000);
    const listed = playlist.split('\n').filter((l) => l.endsWith('.ts') || l.includes('.ts?'));
    assert.ok(listed.length <= 3, `the live window is the stream's own (3), got ${listed.length}`);
    await pub.stop();
    second = await waitUntil('the always-record recording finalized', async () => {
      const d = await details(rec.id);
      return d.endedAt !== null ? d : undefined;
    }, 20_000);
  });

  it('stream settings: protection is kept on the stream key, applies at once, and a PUT that leaves it out keeps it', async () => {
    const play = async () => (await fetch(`${app.httpUrl}/hls/live/p/index.m3u8`)).status;
    assert.equal(await play(), 404, 'public and not live');
    const noKey = await api('PATCH', '/api/v1/stream-settings/live/p', writer, { protection: { protected: true }, hls: { windowSize: 4 } });
    assert.equal(noKey.status, 409, 'protection lives on a stream key');
    assert.match(String(noKey.body['detail']), /POST \/api\/v1\/stream-keys/);
    assert.deepEqual((await api('GET', '/api/v1/stream-settings/live/p', reader)).body['hls'], { windowSize: null, effectiveWindowSize: 6 }, 'a refused change applies nothing');
    assert.equal((await api('POST', '/api/v1/stream-keys', admin, { path: 'live/p' })).status, 201);
    const on = await api('PATCH', '/api/v1/stream-settings/live/p', writer, { protection: { protected: true } });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.deepEqual(on.body['protection'], { protected: true, streamKey: '/api/v1/stream-keys/live/p' });
    assert.equal(await play(), 403, 'a viewer without a playback token is refused now');
    const keys = (await api<{ items: Array<{ path: string; protected: boolean }> }>('GET', '/api/v1/stream-keys', reader)).body.items;
    assert.equal(keys.find((k) => k.path === 'live/p')?.protected, true, 'the same setting as the stream key shows');
    const put = await api('PUT', '/api/v1/stream-settings/live/p', writer, { recording: { always: false } });
    assert.equal((put.body['protection'] as { protected: boolean }).protected, true, 'a PUT without protection keeps it');
    const audit = (await api<{ items: Array<{ action: string; actor: string; detail: { stream?: string } }> }>('GET', '/api/v1/audit?action=key.protection-changed', admin)).body.items;
    assert.ok(audit.some((a) => a.detail.stream === 'live/p' && a.actor.startsWith('token:')), JSON.stringify(audit));
    const off = await api('PATCH', '/api/v1/stream-settings/live/p', writer, { protection: { protected: false } });
    assert.equal((off.body['protection'] as { protected: boolean }).protected, false);
    assert.equal(await play(), 404, 'public again');
  });

  it('stream settings: validation errors name the field; scopes apply', async () => {
    for (const [body, field] of [
      [{ hls: { windowSize: 1 } }, 'hls.windowSize'],
      [{ recording: { always: 'yes' } }, 'recording.always'],
      [{ protection: { protected: 'yes' } }, 'protection.protected'],
      [{ protection: { locked: true } }, 'protection.locked'],
      [{ colour: 'red' }, 'colour'],
      [{ recording: { sometimes: true } }, 'recording.sometimes'],
    ] as const) {
      const r = await api('PATCH', '/api/v1/stream-settings/live/b', writer, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.headers.get('content-type'), 'application/problem+json');
      // Refused by the host's validation of the route's documented schema (it names `body.<field>`),
      // or by the plugin's own check where the schema cannot say it.
      const named = String(r.body['field'] ?? r.body['detail']);
      assert.match(named, new RegExp(`^(body\\.)?${field.replace('.', '\\.')}( |=|$)`), JSON.stringify(r.body));
    }
    const notJson = await fetch(`${app.httpUrl}/api/v1/stream-settings/live/b`, { method: 'PATCH', headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' }, body: '{' });
    assert.equal(notJson.status, 400);
    assert.equal((await api('GET', '/api/v1/stream-settings/live/bad%20name', reader)).status, 400);
    assert.equal((await api('GET', '/api/v1/stream-settings/live/b', {})).status, 401);
    assert.equal((await api('GET', '/api/v1/stream-settings/live/b', outsider)).status, 403);
    assert.equal((await api('PUT', '/api/v1/stream-settings/live/b', reader, {})).status, 403);
    assert.equal((await api('PATCH', '/api/v1/stream-settings/live/b', reader, {})).status, 403);
    // PUT resets what it does not name.
    const reset = await api('PUT', '/api/v1/stream-settings/live/b', writer, {});
    assert.deepEqual(reset.body['recording'], { always: null, effective: false, live: null });
    assert.deepEqual(reset.body['hls'], { windowSize: null, effectiveWindowSize: 6 });
  });

  it('lists with paging and filters, in one envelope; bad queries are 400', async () => {
    const all = (await api<Page>('GET', '/api/v1/recordings', reader)).body;
    assert.deepEqual(all.items.map((x) => x.id), [second.id, first.id], 'newest first');
    assert.equal(all.next, null);
    const p1 = (await api<Page>('GET', '/api/v1/recordings?limit=1', reader)).body;
    assert.deepEqual(p1.items.map((x) => x.id), [second.id]);
    assert.ok(p1.next);
    const p2 = (await api<Page>(`GET`, `/api/v1/recordings?limit=1&cursor=${p1.next}`, reader)).body;
    assert.deepEqual(p2.items.map((x) => x.id), [first.id]);
    assert.equal(p2.next, null);
    assert.deepEqual((await api<Page>('GET', '/api/v1/recordings?stream=live/b', reader)).body.items.map((x) => x.id), [second.id]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.parse(first.startedAt) - 3_600_000).toISOString();
    assert.deepEqual((await api<Page>(`GET`, `/api/v1/recordings?from=${future}`, reader)).body.items, []);
    assert.deepEqual((await api<Page>(`GET`, `/api/v1/recordings?to=${past}`, reader)).body.items, []);
    // first ended before second started: a window around first's end finds first only.
    const between = `from=${Date.parse(first.startedAt)}&to=${Date.parse(first.endedAt!)}`;
    assert.deepEqual((await api<Page>(`GET`, `/api/v1/recordings?${between}`, reader)).body.items.map((x) => x.id), [first.id]);
    for (const q of ['limit=0', 'limit=501', 'limit=ten', 'cursor=%%%', 'cursor=bm9wZQ', 'stream=nope', 'from=yesterday', `from=${future}&to=${past}`]) {
      const r = await api('GET', `/api/v1/recordings?${q}`, reader);
      assert.equal(r.status, 400, q);
      assert.equal(r.headers.get('content-type'), 'application/problem+json', q);
    }
    assert.equal((await api('GET', '/api/v1/recordings', {})).status, 401);
    assert.equal((await api('GET', '/api/v1/recordings', outsider)).status, 403);
    assert.equal((await api('GET', `/api/v1/recordings/${first.id}`, outsider)).status, 403);
    assert.equal((await api('GET', '/api/v1/recordings/20990101T000000Z-00000000', reader)).status, 404);
  });

  it('downloads with Range: exact bytes for a range, a suffix and an open range; 416 past the end; If-Range; a cut download resumed by curl', async () => {
    const url = app.httpUrl + first.downloadUrl;
    const auth = { authorization: `Bearer ${reader.token}` };
    const mid = await bytes(url, { ...auth, range: 'bytes=100-1099' });
    assert.equal(mid.status, 206);
    assert.equal(mid.headers.get('content-range'), `bytes 100-1099/${full.length}`);
    assert.equal(mid.headers.get('content-length'), '1000');
    assert.deepEqual(mid.body, full.subarray(100, 1100));
    // A range across segment boundaries.
    const parts = (await details(first.id)).parts;
    const edge = parts[0]!.bytes;
    const across = await bytes(url, { ...auth, range: `bytes=${edge - 10}-${edge + parts[1]!.bytes + 9}` });
    assert.equal(across.status, 206);
    assert.deepEqual(across.body, full.subarray(edge - 10, edge + parts[1]!.bytes + 10));
    const suffix = await bytes(url, { ...auth, range: 'bytes=-500' });
    assert.equal(suffix.status, 206);
    assert.deepEqual(suffix.body, full.subarray(full.length - 500));
    const open = await bytes(url, { ...auth, range: `bytes=${full.length - 1234}-` });
    assert.deepEqual(open.body, full.subarray(full.length - 1234));
    const beyond = await bytes(url, { ...auth, range: `bytes=${full.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${full.length}`);
    const etag = mid.headers.get('etag')!;
    assert.equal((await bytes(url, { ...auth, range: 'bytes=0-9', 'if-range': etag })).status, 206);
    const stale = await bytes(url, { ...auth, range: 'bytes=0-9', 'if-range': '"something-else"' });
    assert.equal(stale.status, 200, 'a changed representation is sent whole');
    assert.deepEqual(stale.body, full);

    // A download cut after 40000 bytes, resumed by curl -C - (it asks for Range: bytes=40000-).
    const file = join(dir, 'resumed.ts');
    writeFileSync(file, full.subarray(0, 40_000));
    const curl = await tool('curl', ['-sS', '-f', '-C', '-', '-H', `Authorization: Bearer ${reader.token}`, '-o', file, url]);
    assert.equal(curl.code, 0, curl.stderr);
    assert.deepEqual(readFileSync(file), full, 'the resumed file is the recording, byte for byte');
  });

  it('signed links work without a session; forged, expired, revoked and other-recording links are refused; the box keeps serving', async () => {
    const made = await api('POST', `/api/v1/recordings/${first.id}/links`, reader, { ttlSeconds: 600 });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const link = made.body as { url: string; playlistUrl: string; token: string; expiresAt: string };
    assert.ok(Date.parse(link.expiresAt) > Date.now() + 590_000);
    const got = await bytes(app.httpUrl + link.url);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, full, 'the link downloads the recording with no credentials');
    const ranged = await bytes(app.httpUrl + link.url, { range: 'bytes=10-19' });
    assert.equal(ranged.status, 206);
    assert.deepEqual(ranged.body, full.subarray(10, 20));
    const probe = await tool('ffprobe', ['-v', 'error', '-of', 'json', '-show_format', app.httpUrl + link.playlistUrl]);
    assert.equal(probe.code, 0, `a player reads the signed VOD playlist and its segments: ${probe.stderr}`);

    const refused = async (url: string, what: string) => {
      const r = await call(app.httpUrl, 'GET', url);
      assert.equal(r.status, 403, `${what}: ${r.status}`);
      assert.equal(r.headers.get('content-type'), 'application/problem+json', what);
    };
    // Forged: one character of the MAC changed.
    const mac = link.token.slice(-43);
    const forged = link.token.slice(0, -43) + (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    await refused(`/hls/links/${first.id}/download?token=${forged}`, 'forged MAC');
    // A longer validity written into the token without re-signing.
    const parts = link.token.split('.');
    await refused(`/hls/links/${first.id}/download?token=${[parts[0], parts[1], String(Number(parts[2]) + 86_400), parts[3]].join('.')}`, 'stretched expiry');
    // The token of one recording on another.
    await refused(`/hls/links/${second.id}/download?token=${link.token}`, 'link of another recording');
    await refused(`/hls/links/${second.id}/index.m3u8?token=${link.token}`, 'playlist of another recording');
    await refused(`/hls/links/20990101T000000Z-00000000/download?token=${link.token}`, 'unknown recording');
    // Expired: signed with the box's real key, so only the expiry refuses it.
    const secret = Buffer.from(readFileSync(join(app.dataDir, 'plugin-data', 'auth-local', 'jwt-secret'), 'utf8').trim(), 'base64');
    const key = deriveKeys(secret).playback;
    const now = Math.floor(Date.now() / 1000);
    const fresh = signLinkToken(key, `recording:live/a/${first.id}`, now + 300);
    assert.equal((await bytes(`${app.httpUrl}/hls/links/${first.id}/download?token=${fresh}`, { range: 'bytes=0-0' })).status, 206, 'the test signs as the box does');
    await refused(`/hls/links/${first.id}/download?token=${signLinkToken(key, `recording:live/a/${first.id}`, now - 1)}`, 'expired link');
    // A playback token of the stream is not a recording link.
    await call(app.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/a' });
    const playback = await call(app.httpUrl, 'POST', '/api/v1/playback-tokens', admin, { path: 'live/a' });
    assert.equal(playback.status, 201);
    await refused(`/hls/links/${first.id}/download?token=${String(playback.body['token'])}`, 'playback token');
    // No token at all: a validation error, not a download.
    assert.equal((await call(app.httpUrl, 'GET', `/hls/links/${first.id}/download`)).status, 400);
    // Revoking the stream's playback links voids its recording links too.
    const before = await api('POST', `/api/v1/recordings/${first.id}/links`, reader);
    assert.equal((await bytes(app.httpUrl + String(before.body['url']), { range: 'bytes=0-0' })).status, 206);
    assert.equal((await call(app.httpUrl, 'POST', '/api/v1/stream-keys/live/a/playback-revocation', admin)).status, 200);
    await refused(String(before.body['url']), 'revoked link');
    const after = await api('POST', `/api/v1/recordings/${first.id}/links`, reader);
    assert.equal((await bytes(app.httpUrl + String(after.body['url']), { range: 'bytes=0-0' })).status, 206, 'a new link works after the revocation');

    // Link creation: validation and scopes.
    for (const body of [{ ttlSeconds: 5 }, { ttlSeconds: 10_000_000 }, { ttlSeconds: '600' }, { ttl: 600 }]) {
      assert.equal((await api('POST', `/api/v1/recordings/${first.id}/links`, reader, body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await api('POST', `/api/v1/recordings/${first.id}/links`, {})).status, 401);
    assert.equal((await api('POST', `/api/v1/recordings/${first.id}/links`, outsider)).status, 403);
    assert.equal((await api('POST', '/api/v1/recordings/20990101T000000Z-00000000/links', reader)).status, 404);
    assert.equal((await call(app.httpUrl, 'GET', '/healthz')).status, 200, 'the box keeps serving');
  });

  it('deletes a recording (recordings:write); then it is gone everywhere', async () => {
    assert.equal((await api('DELETE', `/api/v1/recordings/${second.id}`, {})).status, 401);
    assert.equal((await api('DELETE', `/api/v1/recordings/${second.id}`, reader)).status, 403);
    assert.equal((await api('GET', `/api/v1/recordings/${second.id}/download`, {})).status, 401);
    assert.equal((await api('GET', `/api/v1/recordings/${second.id}/download`, outsider)).status, 403);
    assert.equal((await api('DELETE', `/api/v1/recordings/${second.id}`, writer)).status, 204);
    assert.equal((await api('GET', `/api/v1/recordings/${second.id}`, reader)).status, 404);
    assert.equal((await api('GET', `/api/v1/recordings/${second.id}/download`, reader)).status, 404);
    assert.equal((await api('DELETE', `/api/v1/recordings/${second.id}`, writer)).status, 404);
    assert.deepEqual((await api<Page>('GET', '/api/v1/recordings', reader)).body.items.map((x) => x.id), [first.id]);
  });
});
