/** Prometheus metrics of storage-local, fed from the in-memory index (no disk access at scrape time). */
import type { MetricsApi } from 'xlive/sdk';
import type { LocalStorage } from './local-storage.js';

export function registerStorageMetrics(metrics: MetricsApi, provider: LocalStorage): void {
  metrics.gauge({
    name: 'xlive_storage_bytes_used',
    help: 'Bytes stored per storage class',
    labelNames: ['class'],
    collect: (g) => {
      if (!provider.isStarted) return;
      const s = provider.snapshot();
      g.set({ class: 'live' }, s.live.bytesUsed);
      g.set({ class: 'recording' }, s.recording.bytesUsed);
    },
  });
  metrics.gauge({
    name: 'xlive_storage_bytes_free',
    help: 'Free bytes on the storage filesystem(s), as last sampled',
    collect: (g) => {
      if (provider.isStarted) g.set({}, provider.snapshot().bytesFree);
    },
  });
  metrics.gauge({
    name: 'xlive_storage_recording_paused',
    help: '1 while recording is paused for disk space',
    collect: (g) => {
      if (provider.isStarted) g.set({}, provider.snapshot().recordingPaused ? 1 : 0);
    },
  });
  const evicted = metrics.counter({
    name: 'xlive_storage_segments_evicted_total',
    help: 'Objects removed by retention, by class and reason',
    labelNames: ['class', 'reason'],
  });
  provider.onEvent((e) => {
    if (e.type === 'evicted') evicted.inc({ class: e.cls, reason: e.reason });
  });
}
