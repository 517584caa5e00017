/**
 * The fleet script, end to end on two real boxes: a client that knows only a token and the
 * box's OpenAPI document (operations looked up in `GET /api/v1/openapi.json`, parameters checked
 * against it, as a generated client does) reconfigures box A live, makes a stream key, records a live
 * ffmpeg stream on demand, downloads the recording with a Range request, takes a backup, restores it on
 * a second fresh box B — and finds A's token and A's stream key working on B.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeToken, signIn } from '../../plugins/auth-local/testing/http-client.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { runToEnd, startPublisher, type Peer } from '../helpers/media-peers.js';
import { OpenApiClient } from '../helpers/openapi-client.js';
import { waitUntil } from '../helpers/wait.js';

const SCOPES = ['system:admin', 'system:read', 'plugins:admin', 'streams:read', 'streams:write', 'recordings:read', 'recordings:write'];

describe('a fleet script with only a token and the OpenAPI document', () => {
  let work: string;
  let a: ApplianceHandle;
  let b: ApplianceHandle;
  let publisher: Peer | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'xlive-fleet-'));
    for (const d of ['a', 'b']) mkdirSync(join(work, d));
    [a, b] = await Promise.all([startAppliance({ dataDir: join(work, 'a') }), startAppliance({ dataDir: join(work, 'b') })]);
  });
  after(async () => {
    await publisher?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it('reconfigures A, records, downloads a range, backs up, restores on B; A\'s key and token work on B', async () => {
    // The one step a person does: the admin signs in on A's panel and makes the fleet token.
    const token = (await makeToken(a.httpUrl, await signIn(a.httpUrl, 'admin', 'fleet admin password'), SCOPES)).token;
    const api = await OpenApiClient.load(a.httpUrl, token);
    const op = (method: string, path: string) => api.idOf(method, path);

    const changed = await api.call<{ changes: { key: string; applied: string }[] }>(op('PATCH', '/api/v1/config'), { body: { 'plugins.hls.windowSize': 4 } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.changes.map((c) => [c.key, c.applied]), [['plugins.hls.windowSize', 'live']]);

    const made = await api.call<{ key: string }>(op('POST', '/api/v1/stream-keys'), { body: { path: 'live/fleet' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const streamKey = made.body.key;
    publisher = startPublisher(`${a.rtmpUrl}/live/${streamKey}`, 60);
    const stream = { app: 'live', name: 'fleet' };
    await waitUntil('live/fleet is live', async () => ((await api.call(op('GET', '/api/v1/streams/{app}/{name}'), { params: stream })).status === 200 ? true : undefined), 30_000, 250);

    const started = await api.call<{ recordingId: string }>(op('POST', '/api/v1/streams/{app}/{name}/recording'), { params: stream });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.recordingId;
    await new Promise((r) => setTimeout(r, 5000));
    const stopped = await api.call<{ endedAt: string | null }>(op('DELETE', '/api/v1/streams/{app}/{name}/recording'), { params: stream });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.ok(stopped.body.endedAt);
    await publisher.stop();
    await runToEnd(publisher);
    publisher = undefined;

    const download = op('GET', '/api/v1/recordings/{id}/download');
    const whole = await api.call<Buffer>(download, { params: { id } });
    assert.equal(whole.status, 200);
    assert.ok(whole.body.length > 1000, `a recording of ${whole.body.length} bytes`);
    const part = await api.call<Buffer>(download, { params: { id }, headers: { range: 'bytes=100-1099' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${whole.body.length}`);
    assert.deepEqual(part.body, whole.body.subarray(100, 1100));

    const backup = await api.call<Buffer>(op('GET', '/api/v1/system/backup'));
    assert.equal(backup.status, 200);
    assert.equal(backup.body[0], 0x1f, 'a gzip archive');

    // Box B: fresh, its own admin and token; the script restores A's archive there.
    const tokenB = (await makeToken(b.httpUrl, await signIn(b.httpUrl, 'owner-b', 'box b admin password'), ['system:admin'])).token;
    const apiB = (await OpenApiClient.load(b.httpUrl)).withToken(tokenB);
    const restored = await apiB.call(apiB.idOf('POST', '/api/v1/system/restore'), { raw: { contentType: 'application/gzip', data: backup.body } });
    assert.equal(restored.status, 202, JSON.stringify(restored.body));

    const onB = apiB.withToken(token); // A's token, used against B
    const keys = await waitUntil('B restored, and A\'s token works there', async () => {
      const r = await onB.call<{ items: { path: string }[] }>(onB.idOf('GET', '/api/v1/stream-keys')).catch(() => undefined);
      return r?.status === 200 ? r.body.items : undefined;
    }, 60_000, 500);
    assert.deepEqual(keys.map((k) => k.path), ['live/fleet']);
    const rtmpB = `rtmp://127.0.0.1:${b.readPorts()['rtmp']!.port}`;
    publisher = startPublisher(`${rtmpB}/live/${streamKey}`, 30);
    await waitUntil('A\'s stream key publishes on B', async () => ((await onB.call(onB.idOf('GET', '/api/v1/streams/{app}/{name}'), { params: stream })).status === 200 ? true : undefined), 30_000, 250);
    const config = await onB.call<{ entries: { key: string; value: unknown; layer: string }[] }>(onB.idOf('GET', '/api/v1/config'));
    assert.deepEqual(config.body.entries.find((e) => e.key === 'plugins.hls.windowSize'), { ...config.body.entries.find((e) => e.key === 'plugins.hls.windowSize'), value: 4, layer: 'settings' }, 'A\'s settings came along');
  });
});
