/** Retention changed while the plugin runs (`reconfigure`): held to the new limits at once, other keys wait for a restart. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestContext } from 'xlive/sdk/testing';

const { createStorageLocalPlugin } = await import('./index.js');
const { bytes } = await import('./testing/harness.js');
type LocalStorage = import('./local-storage.js').LocalStorage;

describe('storage-local: live retention', () => {
  it('a lower per-stream segment limit is enforced at once; a folder change is left for a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-live-retention-'));
    const config = { liveDir: join(dir, 'live'), recordingsDir: join(dir, 'rec'), live: { maxSegmentsPerStream: 10, minSegmentsPerStream: 0 }, fsyncRecordings: false };
    const t = createTestContext<Record<string, unknown>>({ id: 'storage-local', manifestFrom: import.meta.url, config, dbFile: join(dir, 'xlive.db') });
    const instance = createStorageLocalPlugin().setup(t.ctx)!;
    t.commit();
    await instance.start?.();
    const p = t.ctx.storage.get('local') as LocalStorage;
    try {
      for (let i = 0; i < 8; i++) await p.put('live', `live/stage/seg-${i}.ts`, [bytes(1_000)]);
      assert.equal(p.snapshot().live.segments, 8);
      const waiting = await instance.reconfigure!({ ...config, live: { maxSegmentsPerStream: 3, minSegmentsPerStream: 0 }, recordingsDir: join(dir, 'elsewhere') }, config);
      assert.deepEqual(waiting, ['recordingsDir']);
      assert.equal(p.snapshot().live.segments, 3, 'the oldest went at once');
      await p.put('live', 'live/stage/seg-8.ts', [bytes(1_000)]);
      assert.equal(p.snapshot().live.segments, 3, 'and stay within the new limit');
    } finally {
      await instance.stop?.();
      t.release();
      t.parts.db.close();
      rmSync(t.parts.root, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
