/** The plugin's Prometheus metrics, registered through ctx.metrics. */
import type { Counter, MetricsApi } from 'xlive/sdk';
import type { FlvProtocol } from './flv-viewer.js';
import type { ViewerRegistry } from './viewer-registry.js';

export interface FlvMetrics {
  /** Sessions started, by protocol (also counted in the shared `xlive_connections_total`). */
  sessions: Counter<'protocol'>;
  /** Sessions ended, by protocol and reason (stream-ended, slow-reader, client-closed…). */
  ended: Counter<'protocol' | 'reason'>;
  /** Requests refused before streaming, by error code. */
  refused: Counter<'protocol' | 'code'>;
  /** FLV tag body bytes sent, counted when a session ends. */
  bytesSent: Counter<'protocol'>;
}

const PROTOCOLS: readonly FlvProtocol[] = ['http-flv', 'ws-flv'];

export function registerFlvMetrics(metrics: MetricsApi, viewers: ViewerRegistry): FlvMetrics {
  metrics.gauge<'protocol'>({
    name: 'xlive_flv_viewers',
    help: 'Connected HTTP-FLV and WebSocket-FLV viewers',
    labelNames: ['protocol'],
    collect: (g) => {
      for (const protocol of PROTOCOLS) g.set({ protocol }, viewers.count(protocol));
    },
  });
  return {
    sessions: bothCounters(
      metrics.counter({ name: 'xlive_flv_sessions_total', help: 'FLV viewer sessions started', labelNames: ['protocol'] }),
      metrics.counter({ name: 'xlive_connections_total', help: 'Connections accepted, by protocol', labelNames: ['protocol'] }),
    ),
    ended: metrics.counter({
      name: 'xlive_flv_sessions_ended_total',
      help: 'FLV viewer sessions ended, by reason',
      labelNames: ['protocol', 'reason'],
    }),
    refused: metrics.counter({
      name: 'xlive_flv_refused_total',
      help: 'FLV requests refused before streaming, by error code',
      labelNames: ['protocol', 'code'],
    }),
    bytesSent: metrics.counter({
      name: 'xlive_flv_sent_bytes_total',
      help: 'FLV media bytes sent to viewers',
      labelNames: ['protocol'],
    }),
  };
}

/** Count into two counters with the same labels. */
function bothCounters<L extends string>(a: Counter<L>, b: Counter<L>): Counter<L> {
  return {
    inc(labels, value) {
      a.inc(labels, value);
      b.inc(labels, value);
    },
  };
}
