/**
 * storage-local: the StorageProvider on local disk. Live HLS objects on the runtime folder (tmpfs on
 * the box), recordings under the data folder, each with retention by count, age, bytes and free space;
 * a recordings index in SQLite rebuilt from disk at start. Registered as storage provider `local`.
 */
import { join } from 'node:path';
import { changedConfigKeys, definePlugin, type PluginDefinition } from 'xlive/sdk';
import type { FileOps } from './atomic-write.js';
import { resolveConfig } from './config.js';
import { diskHealthCheck } from './disk-health-check.js';
import { LocalStorage } from './local-storage.js';
import { registerStorageMetrics } from './storage-metrics.js';
import type { StatfsFn } from './types.js';

/** What tests (and only tests) inject. */
export interface StorageLocalDeps {
  statfs?: StatfsFn;
  now?: () => number;
  fileOps?: Partial<FileOps>;
}

/** Retention keys a running provider takes live (see `LocalStorage.setRetention`). */
const LIVE_KEYS = /^(live|recording)\.(maxSegmentsPerStream|maxBytesPerStream|maxSegments|maxBytes|maxAgeSeconds)$/;

export function createStorageLocalPlugin(deps: StorageLocalDeps = {}): PluginDefinition {
  return definePlugin({
    setup(ctx) {
      const config = resolveConfig(ctx.config);
      const provider = new LocalStorage({
        config,
        liveDir: config.liveDir ?? ctx.paths.runtime,
        recordingsDir: config.recordingsDir ?? join(ctx.paths.data, 'recordings'),
        store: ctx.store,
        log: ctx.log,
        ...deps,
      });
      ctx.storage.register(provider);
      ctx.health.register(diskHealthCheck(provider, config.recording.resumeMarginBytes));
      registerStorageMetrics(ctx.metrics, provider);
      provider.onEvent((e) => {
        if (e.type === 'evicted') return;
        const paused = e.type === 'recording-paused';
        ctx.events.record({
          type: paused ? 'recording.paused' : 'recording.resumed',
          severity: paused ? 'warn' : 'info',
          message: paused ? 'recording stopped for disk space' : 'recording resumed: disk space is back',
          data: { bytesFree: e.bytesFree },
        });
      });
      // A live start/stop request (POST/DELETE /api/v1/streams/:app/:name/recording) lasts one publish.
      ctx.streams.onEvent((e) => {
        if (e.type === 'unpublished' && provider.isStarted) provider.recordings.setLiveRecording(e.path, null);
      });
      // setup's own start/stop close over the provider (no module-level state).
      return {
        start: () => provider.start(),
        stop: () => provider.stop(),
        // Retention by count, bytes and age applies live; every other key waits for a restart.
        reconfigure: async (next) => {
          const updated = resolveConfig(next);
          const changed = changedConfigKeys(ctx.config, next);
          const waiting = changed.filter((k) => !LIVE_KEYS.test(k));
          if (waiting.length < changed.length) await provider.setRetention(updated.live, updated.recording);
          return waiting;
        },
      };
    },
  });
}

export default createStorageLocalPlugin();

export { LocalStorage, type LocalStorageOptions } from './local-storage.js';
export { resolveConfig, type StorageLocalConfig } from './config.js';
export type * from './types.js';
