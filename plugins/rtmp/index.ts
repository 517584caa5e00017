import { definePlugin, type ConnectionLimits, type PluginContext } from 'xlive/sdk';
import { RtmpServer, type RtmpServerConfig } from './rtmp-server.js';

export type RtmpPluginConfig = Pick<
  RtmpServerConfig,
  'host' | 'port' | 'chunkSize' | 'maxConnections' | 'maxStreams' | 'maxMessageSize' | 'handshakeTimeoutMs' | 'idleTimeoutMs' | 'ackWindow'
> &
  Partial<RtmpConnectionCaps>;

/** The listener's connection caps (enforced by the host's admission control on `ctx.net`). */
export interface RtmpConnectionCaps {
  /** Publishing or playing connections of one client address (a venue's players behind one NAT). */
  maxConnectionsPerIp: number;
  /** Connections before publish/play (handshake, connect) in total; the oldest is closed when full. */
  maxIdleConnections: number;
  /** Connections before publish/play of one address; that address's oldest is closed when full. */
  maxIdleConnectionsPerIp: number;
  /** Connections only a publisher with a valid key may take. */
  reservedForPublishers: number;
}

/**
 * The plugin config's caps as the host's ConnectionLimits. Caps not set are derived from
 * `maxConnections` (so a small `maxConnections` alone stays valid): idle 128 but at most a quarter,
 * 16 per address, 16 reserved for publishers but at most a sixteenth, 500 established per address.
 */
export function rtmpConnectionLimits(config: RtmpPluginConfig): ConnectionLimits {
  const maxTotal = config.maxConnections;
  const maxIdleTotal = config.maxIdleConnections ?? Math.max(1, Math.min(128, Math.floor(maxTotal / 4)));
  return {
    maxTotal,
    maxIdleTotal,
    maxIdlePerIp: config.maxIdleConnectionsPerIp ?? Math.min(16, maxIdleTotal),
    maxPerIp: config.maxConnectionsPerIp ?? 500,
    reserved: config.reservedForPublishers ?? Math.min(16, Math.floor(maxTotal / 16)),
  };
}

/** RTMP ingest (publish) and playback, on its own TCP listener. */
export default definePlugin<RtmpPluginConfig>({
  setup(ctx: PluginContext<RtmpPluginConfig>) {
    const connections = ctx.metrics.counter<'protocol'>({ name: 'xlive_connections_total', help: 'Connections accepted, by protocol', labelNames: ['protocol'] });
    const server = new RtmpServer(ctx.config, {
      streams: ctx.streams,
      gates: ctx.gates,
      log: ctx.log,
      onConnection: () => connections.inc({ protocol: 'rtmp' }),
      // The host's listener: checked against net:listen, reported, and behind the connection caps.
      listen: (onSocket) => ctx.net.createServer({ name: 'rtmp', limits: rtmpConnectionLimits(ctx.config) }, onSocket),
    });
    // Read from the connections' plain byte counts at scrape time: nothing per read or write.
    ctx.metrics.collectedCounter<'protocol' | 'direction'>({
      name: 'xlive_bytes_total',
      help: 'Bytes received (in) and sent (out) on the wire, by protocol',
      labelNames: ['protocol', 'direction'],
      collect: () => {
        const t = server.byteTotals();
        return [
          { labels: { protocol: 'rtmp', direction: 'in' }, value: t.in },
          { labels: { protocol: 'rtmp', direction: 'out' }, value: t.out },
        ];
      },
    });
    ctx.metrics.gauge({
      name: 'xlive_rtmp_open_connections',
      help: 'RTMP connections open now',
      collect: (g) => g.set({}, server.connectionCount),
    });
    ctx.health.register({
      name: 'listener',
      check: () =>
        server.listening
          ? { status: 'ok', message: `${server.connectionCount} connections` }
          : { status: 'fail', message: 'rtmp listener is not listening' },
    });
    return {
      async start() {
        await server.start(); // the host reports the listener
      },
      async stop() {
        await server.stop();
      },
    };
  },
});

export { RtmpServer } from './rtmp-server.js';
