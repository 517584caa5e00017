import { definePlugin, type PluginContext } from 'xlive/sdk';
import { RtmpServer, type RtmpServerConfig } from './rtmp-server.js';

export type RtmpPluginConfig = Pick<
  RtmpServerConfig,
  'host' | 'port' | 'chunkSize' | 'maxConnections' | 'maxStreams' | 'maxMessageSize' | 'handshakeTimeoutMs' | 'idleTimeoutMs' | 'ackWindow'
>;

/**
 * The server of each plugin context. Keyed by the context so that every host (and every test)
 * that loads this module gets its own server; entries go when their context is collected.
 */
const servers = new WeakMap<PluginContext<RtmpPluginConfig>, RtmpServer>();

function serverOf(ctx: PluginContext<RtmpPluginConfig>): RtmpServer {
  const server = servers.get(ctx);
  if (!server) throw new Error('rtmp plugin used before setup()');
  return server;
}

/** RTMP ingest (publish) and playback, on its own TCP listener. */
export default definePlugin<RtmpPluginConfig>({
  setup(ctx) {
    const connections = ctx.metrics.counter({ name: 'xlive_rtmp_connections_total', help: 'RTMP connections accepted' });
    const bytes = ctx.metrics.counter<'direction'>({
      name: 'xlive_rtmp_bytes_total',
      help: 'RTMP bytes received (in) and sent (out)',
      labelNames: ['direction'],
    });
    const server = new RtmpServer(ctx.config, {
      streams: ctx.streams,
      auth: ctx.auth,
      log: ctx.log,
      onConnection: () => connections.inc(),
      countBytes: (direction, n) => bytes.inc({ direction }, n),
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
    servers.set(ctx, server);
  },

  async start(ctx) {
    const address = await serverOf(ctx).start();
    ctx.host.reportListener('rtmp', address);
  },

  async stop(ctx) {
    await serverOf(ctx).stop();
  },
});

export { RtmpServer } from './rtmp-server.js';
