import { definePlugin, type PluginContext } from 'xlive/sdk';
import { RtmpServer, type RtmpServerConfig } from './rtmp-server.js';

export type RtmpPluginConfig = Pick<
  RtmpServerConfig,
  'host' | 'port' | 'chunkSize' | 'maxConnections' | 'maxStreams' | 'maxMessageSize' | 'handshakeTimeoutMs' | 'idleTimeoutMs' | 'ackWindow'
>;

/** RTMP ingest (publish) and playback, on its own TCP listener. */
export default definePlugin<RtmpPluginConfig>({
  setup(ctx: PluginContext<RtmpPluginConfig>) {
    const connections = ctx.metrics.counter<'protocol'>({ name: 'xlive_connections_total', help: 'Connections accepted, by protocol', labelNames: ['protocol'] });
    const server = new RtmpServer(ctx.config, {
      streams: ctx.streams,
      auth: ctx.auth,
      log: ctx.log,
      onConnection: () => connections.inc({ protocol: 'rtmp' }),
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
        const address = await server.start();
        ctx.host.reportListener('rtmp', address);
      },
      async stop() {
        await server.stop();
      },
    };
  },
});

export { RtmpServer } from './rtmp-server.js';
