import client from 'prom-client';
import type { PluginStatus } from '../plugins/plugin-host.js';
import type { StreamStats } from '../sdk/streams.js';
import type { HubCounters } from '../streams/stream-hub.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** The slices of core parts the core metrics read at scrape time. */
export interface CoreMetricsDeps {
  hub: {
    list(): StreamStats[];
    readonly counters: Readonly<HubCounters>;
    bandwidth?(): Array<{ protocol: string; direction: 'in' | 'out'; bytes: number }>;
    observeFrames?(timer: (seconds: number) => void): void;
  };
  plugins: { list(): PluginStatus[] };
  /** Clock for the per-scrape snapshot (tests). */
  now?: () => number;
}

/** One scrape reads `hub.list()` once, not once per metric. */
const SNAPSHOT_TTL_MS = 250;

type Row = { labels: Record<string, string>; value: number };

/**
 * The core's collect-time metrics: active streams and, per stream (label `stream` = its path; streams
 * are few and bounded by `streams.maxStreams`), ingest bitrate and fps, readers by protocol, dropped
 * frames, slow-reader disconnects, GOP cache bytes; hub totals; plugin states; and the default process
 * metrics (CPU, memory, GC, event-loop lag). No timers: every value is read when Prometheus scrapes.
 * Labels never carry an IP address or a token.
 */
export function registerCoreMetrics(metrics: MetricsRegistry, deps: CoreMetricsDeps): void {
  const now = deps.now ?? Date.now;
  let cached: { at: number; streams: StreamStats[] } | undefined;
  const streams = (): StreamStats[] => {
    const t = now();
    if (!cached || t - cached.at > SNAPSHOT_TTL_MS || t < cached.at) cached = { at: t, streams: deps.hub.list() };
    return cached.streams;
  };
  const perStream = (pick: (s: StreamStats) => number) => (): Row[] => streams().map((s) => ({ labels: { stream: s.path }, value: pick(s) }));

  resetGauge(metrics, 'xlive_streams_active', 'Streams with a publisher', [], () => [{ labels: {}, value: streams().length }]);
  resetGauge(metrics, 'xlive_stream_ingest_bitrate_bps', 'Ingest bitrate of a stream over the last second, in bits per second', ['stream'], perStream((s) => s.ingest.bitrateBps));
  resetGauge(metrics, 'xlive_stream_ingest_fps', 'Ingest video frame rate of a stream over the last second', ['stream'], perStream((s) => s.ingest.fps));
  resetGauge(metrics, 'xlive_stream_gop_cache_bytes', 'Bytes held in the GOP cache of a stream', ['stream'], perStream((s) => s.gopCacheBytes));
  resetGauge(metrics, 'xlive_stream_uptime_seconds', 'Seconds since the current publisher of a stream started', ['stream'], perStream((s) => s.uptimeMs / 1000));
  resetGauge(metrics, 'xlive_stream_readers', 'Readers (viewers) of a stream by protocol', ['stream', 'protocol'], () =>
    streams().flatMap((s) => Object.entries(s.readersByProtocol).map(([protocol, n]) => ({ labels: { stream: s.path, protocol }, value: n }))),
  );
  collectCounter(metrics, 'xlive_stream_ingest_frames_total', 'Frames received on a stream since its publisher started', ['stream'], perStream((s) => s.ingest.frames));
  collectCounter(metrics, 'xlive_stream_ingest_bytes_total', 'Payload bytes received on a stream since its publisher started', ['stream'], perStream((s) => s.ingest.bytes));
  collectCounter(metrics, 'xlive_stream_dropped_frames_total', 'Frames dropped for slow readers of a stream since it started', ['stream'], perStream((s) => s.drops.frames));
  collectCounter(metrics, 'xlive_stream_slow_disconnects_total', 'Readers of a stream disconnected for being too slow since it started', ['stream'], perStream((s) => s.drops.slowDisconnects));

  const total = (name: keyof HubCounters) => (): Row[] => [{ labels: {}, value: deps.hub.counters[name] }];
  collectCounter(metrics, 'xlive_hub_frames_in_total', 'Frames published into the stream hub since start', [], total('framesIn'));
  collectCounter(metrics, 'xlive_hub_bytes_in_total', 'Payload bytes published into the stream hub since start', [], total('bytesIn'));
  collectCounter(metrics, 'xlive_hub_dropped_frames_total', 'Frames dropped for slow readers since start', [], total('framesDropped'));
  collectCounter(metrics, 'xlive_hub_slow_disconnects_total', 'Readers disconnected for being too slow since start', [], total('slowDisconnects'));
  collectCounter(metrics, 'xlive_hub_publishes_total', 'Publish sessions started since start', [], total('publishes'));
  collectCounter(metrics, 'xlive_hub_reader_sink_failures_total', 'Readers ended because their sink threw (only that reader ends)', [], total('sinkFailures'));
  const bandwidth = deps.hub.bandwidth?.bind(deps.hub);
  if (bandwidth) {
    collectCounter(metrics, 'xlive_bandwidth_bytes_total', 'Media payload bytes in (by publisher protocol) and out (by viewer protocol)', ['protocol', 'direction'], () =>
      bandwidth().map((b) => ({ labels: { protocol: b.protocol, direction: b.direction }, value: b.bytes })),
    );
  }
  if (deps.hub.observeFrames) {
    const frames = metrics.histogram({
      name: 'xlive_frame_processing_seconds',
      help: 'Time to hand one published frame to every reader (fan-out, never waiting for a reader)',
      buckets: [0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05],
    });
    deps.hub.observeFrames((s) => frames.observe({}, s));
  }

  resetGauge(metrics, 'xlive_plugin_up', 'Plugin state: 1 while running, 0 otherwise; label state is the current state', ['plugin', 'state'], () =>
    deps.plugins.list().map((p) => ({ labels: { plugin: p.id, state: p.state }, value: p.state === 'running' ? 1 : 0 })),
  );

  // Default process metrics (xlive_process_*, xlive_nodejs_* incl. xlive_nodejs_eventloop_lag_*), once per registry.
  if (!metrics.registry.getSingleMetric('xlive_process_cpu_user_seconds_total')) metrics.collectProcessMetrics();
}

/** A gauge whose label sets are rebuilt at every scrape, so a stream that ended leaves no stale series. */
function resetGauge(metrics: MetricsRegistry, name: string, help: string, labelNames: readonly string[], rows: () => Row[]): void {
  metrics.gauge({
    name,
    help,
    labelNames,
    collect: (g) => {
      (metrics.registry.getSingleMetric(name) as client.Gauge<string> | undefined)?.reset();
      for (const r of rows()) g.set(r.labels, r.value);
    },
  });
}

/**
 * A counter read from a running total at scrape time (the MetricsApi has no collect for counters, so
 * this core-only helper uses prom-client directly, on the appliance's registry).
 */
function collectCounter(metrics: MetricsRegistry, name: string, help: string, labelNames: readonly string[], rows: () => Row[]): void {
  if (metrics.registry.getSingleMetric(name)) return;
  new client.Counter({
    name,
    help,
    labelNames: [...labelNames],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const r of rows()) this.inc(r.labels, Math.max(0, r.value));
    },
  });
}
