/**
 * The HTTP-FLV / WebSocket-FLV plugin: live streams at `GET /flv/<app>/<stream>.flv` as HTTP-FLV,
 * and at the same path with `Upgrade: websocket` as WebSocket-FLV (mpegts.js, flv.js), on the same route. Pure passthrough of
 * the hub's FLV tag bodies; each tag header is built once per frame and shared by all viewers.
 */
import { changedConfigKeys, definePlugin } from 'xlive/sdk';
import { resolveConfig, type HttpFlvConfig } from './config.js';
import { registerFlvMetrics } from './flv-metrics.js';
import { FLV_MOUNT, FlvService } from './flv-service.js';
import { flvPreflightHandler, httpFlvHandler } from './http-flv-route.js';
import { ViewerRegistry } from './viewer-registry.js';

/** Share of `maxViewers` above which the health check warns. */
const HEALTH_WARN_RATIO = 0.9;

export default definePlugin<HttpFlvConfig>({
  setup(ctx) {
    const config = resolveConfig(ctx.config as unknown as Record<string, unknown>);
    const viewers = new ViewerRegistry(config.maxViewers);
    const metrics = registerFlvMetrics(ctx.metrics, viewers);
    const service = new FlvService({ streams: ctx.streams, gates: ctx.gates, log: ctx.log, config, viewers, metrics });

    ctx.http.route('GET', `${FLV_MOUNT}/*`, httpFlvHandler(service, ctx.http, ctx.log), {
      public: true,
      media: true,
      doc: {
        summary: 'Live HTTP-FLV: `<app>/<name>.flv`, streamed as long as the stream runs',
        description: 'Protected streams need `?token=` or credentials. The same path with `Upgrade: websocket` answers `101` and streams WebSocket-FLV (the FLV bytes as binary messages); a refused upgrade gets the same problem+json as a GET.',
        tags: ['playback'],
        query: { token: { type: 'string', description: 'A signed playback link token, for protected streams' } },
        responses: { 200: { description: 'FLV (chunked)', contentType: 'video/x-flv', schema: { type: 'string', contentMediaType: 'video/x-flv' } } },
      },
    });
    ctx.http.route('OPTIONS', `${FLV_MOUNT}/*`, flvPreflightHandler(), { public: true, media: true, doc: { summary: 'CORS preflight for HTTP-FLV', tags: ['playback'], responses: { 204: { description: 'Allowed methods and headers' } } } });

    ctx.health.register({
      name: 'viewers',
      check: () => {
        const n = viewers.size;
        const message = `${n} of ${viewers.maxViewers} viewers (http-flv ${viewers.count('http-flv')}, ws-flv ${viewers.count('ws-flv')})`;
        return { status: n >= viewers.maxViewers * HEALTH_WARN_RATIO ? 'warn' : 'ok', message };
      },
    });

    // Stopping the plugin ends every session it runs (the hub may outlive it).
    ctx.signal.addEventListener('abort', () => viewers.closeAll('shutdown'), { once: true });
    return {
      // The viewer cap applies live (viewers over a lower cap are not ended); queue budgets at a restart.
      reconfigure(next) {
        const updated = resolveConfig(next);
        viewers.maxViewers = updated.maxViewers;
        return changedConfigKeys(config, updated).filter((k) => k !== 'maxViewers');
      },
    };
  },
});

export type { HttpFlvConfig } from './config.js';
