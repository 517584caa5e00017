/** The plugin as the host runs it: manifest and config schema, registration, metrics, default folders, stop. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { createTestContext } from 'xlive/sdk/testing';

const { ConfigError } = await import('xlive/sdk');
const { default: plugin, resolveConfig } = await import('./index.js');
const { LocalStorage } = await import('./local-storage.js');
const { bytes, startHarness } = await import('./testing/harness.js');

const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('./package.json', import.meta.url)), 'utf8'));

describe('manifest and config', () => {
  it('declares a storage plugin with the storage:provide permission', () => {
    assert.equal(manifest.name, '@xlive/plugin-storage-local');
    assert.equal(manifest.main, 'index.js');
    assert.equal(manifest.xlive.id, 'storage-local');
    assert.deepEqual(manifest.xlive.kinds, ['storage']);
    assert.ok(manifest.xlive.permissions.includes('storage:provide'));
    assert.equal(manifest.xlive.enabledByDefault, true);
  });

  it('schema defaults and resolveConfig defaults agree, and unknown keys are refused', () => {
    const validate = new Ajv({ useDefaults: true, strict: false }).compile(manifest.xlive.configSchema);
    const filled: Record<string, unknown> = { live: {}, recording: {} };
    assert.ok(validate(filled), JSON.stringify(validate.errors));
    assert.deepEqual(resolveConfig(filled), resolveConfig({}));
    const c = resolveConfig({});
    assert.equal(c.live.maxSegmentsPerStream, 20);
    assert.equal(c.live.maxBytes, 200 * 1024 * 1024);
    assert.equal(c.recording.maxBytes, 2048 * 1024 * 1024);
    assert.equal(c.recording.maxAgeMs, 7 * 24 * 3600 * 1000);
    assert.equal(c.recording.minFreeBytes, 512 * 1024 * 1024);
    assert.equal(c.recordAll, false);
    assert.equal(validate({ bogus: 1 }), false);
    assert.equal(validate({ live: { maxSegments: -1 } }), false);
    assert.equal(validate({ record: { '../x': true } }), false);
  });

  it('resolveConfig names the offending key', () => {
    assert.throws(() => resolveConfig({ live: { maxBytes: 'big' } }), (e: unknown) => e instanceof ConfigError && /plugins\.storage-local\.live\.maxBytes/.test((e as Error).message));
    assert.throws(() => resolveConfig({ liveDir: 'relative/dir' }), ConfigError);
    assert.throws(() => resolveConfig({ recording: { onLowSpace: 'panic' } }), ConfigError);
    assert.throws(() => resolveConfig({ record: { 'live/stage': 'yes' } }), ConfigError);
  });
});

describe('plugin lifecycle', () => {
  it('registers provider "local", the disk check and metrics; uses the runtime and data folders by default', async () => {
    const t = createTestContext({ id: 'storage-local', manifestFrom: import.meta.url, config: {} });
    try {
      const instance = plugin.setup(t.ctx);
      t.commit();
      await instance?.start?.();
      const p = t.ctx.storage.get();
      assert.ok(p instanceof LocalStorage);
      assert.equal(p.name, 'local');
      assert.equal(p.recordings, p.recordings, 'the SDK RecordingStore is on the provider');
      assert.ok(t.parts.health.names().includes('storage-local/disk'));

      await p.put('live', 'live/stage/seg-1.ts', [bytes(10)]);
      assert.ok(existsSync(join(t.ctx.paths.runtime, 'live/stage/seg-1.ts')));
      const id = await p.recordings.beginRecording('live/stage');
      await p.put('recording', p.recordings.recordingKey(id, 'seg-1.ts'), [bytes(20)]);
      assert.ok(existsSync(join(t.ctx.paths.data, 'recordings/live/stage', id, 'seg-1.ts')));

      for (let i = 2; i <= 22; i++) await p.put('live', `live/stage/seg-${i}.ts`, [bytes(10)]);
      const { body } = await t.parts.metrics.exposition();
      assert.match(body, /xlive_storage_bytes_used\{class="live"\} 200\b/);
      assert.match(body, /xlive_storage_bytes_used\{class="recording"\} 20\b/);
      assert.match(body, /xlive_storage_bytes_free \d+/);
      assert.match(body, /xlive_storage_segments_evicted_total\{class="live",reason="stream-count"\} 2\b/);
      assert.match(body, /xlive_storage_recording_paused 0/);

      await instance?.stop?.();
      assert.notEqual((await p.recordings.getRecording(id))?.info.endedMs, null, 'stop ends open recordings');
    } finally {
      t.release();
      t.parts.db.close();
      rmSync(t.parts.root, { recursive: true, force: true });
    }
  });

  it('keeps the recordings index in SQLite tables prefixed storage_local_', async () => {
    const h = await startHarness();
    try {
      const tables = h.t.parts.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'storage_local_%' ORDER BY name").all() as Array<{ name: string }>;
      assert.deepEqual(tables.map((r) => r.name), ['storage_local_recordings', 'storage_local_segments', 'storage_local_stream_settings']);
    } finally {
      await h.cleanup();
    }
  });
});
