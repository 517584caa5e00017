/** The plugin's Prometheus metrics, registered through ctx.metrics. */
import type { Counter, Histogram, MetricsApi } from 'xlive/sdk';

export interface HlsMetrics {
  /** Segments stored and listed in a live playlist. */
  segmentsWritten: Counter;
  /** Segments never listed: dropped from a full write queue, or their write failed. */
  segmentsDropped: Counter<'reason'>;
  /** Closing keyframe → playlist listing the segment, in seconds. */
  playlistLag: Histogram;
  /** Frames the muxer refused (malformed) and muxer exceptions. */
  muxerErrors: Counter;
  /** Segments stored in recordings. */
  recordedSegments: Counter;
}

/** Buckets around the 50 ms playlist-lag target. */
const LAG_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** `viewers()` gives HLS viewers per stream for the gauge, read at scrape time. */
export function registerHlsMetrics(metrics: MetricsApi, viewers: () => ReadonlyMap<string, number>): HlsMetrics {
  // prom-client keeps a label set once seen; streams that left are reported as 0 (the SDK gauge has no remove).
  const reported = new Set<string>();
  metrics.gauge<'stream'>({
    name: 'xlive_hls_viewers',
    help: 'HLS viewers per stream (sessions seen within the last three target durations)',
    labelNames: ['stream'],
    collect: (g) => {
      const now = viewers();
      for (const stream of reported) if (!now.has(stream)) g.set({ stream }, 0);
      reported.clear();
      for (const [stream, n] of now) {
        g.set({ stream }, n);
        reported.add(stream);
      }
    },
  });
  return {
    segmentsWritten: metrics.counter({ name: 'xlive_hls_segments_written_total', help: 'HLS segments stored and listed in a live playlist' }),
    segmentsDropped: metrics.counter({
      name: 'xlive_hls_segments_dropped_total',
      help: 'HLS segments never listed, by reason (queue-full, write-failed)',
      labelNames: ['reason'],
    }),
    playlistLag: metrics.histogram({
      name: 'xlive_hls_playlist_update_lag_seconds',
      help: 'Time from the keyframe closing a segment to the live playlist listing it',
      buckets: LAG_BUCKETS,
    }),
    muxerErrors: metrics.counter({ name: 'xlive_hls_muxer_errors_total', help: 'Frames the HLS muxer could not use (malformed input or muxer failure)' }),
    recordedSegments: metrics.counter({ name: 'xlive_hls_recorded_segments_total', help: 'HLS segments stored in recordings' }),
  };
}
