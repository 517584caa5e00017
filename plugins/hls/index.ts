/**
 * The HLS plugin: every published stream is remuxed in-process to MPEG-TS segments (cut at keyframes
 * near `segmentMs`), stored through the StorageProvider (storage-local), and served as RFC 8216 live
 * playlists at `GET /hls/<app>/<stream>/index.m3u8`. Recordings (when the provider's config, a
 * stream's settings or an API request ask for them) are kept alongside: managed under
 * `/api/v1/recordings`, played as VOD under `/hls/recordings`, shared by signed links under
 * `/hls/links`. Per-stream settings under `/api/v1/stream-settings`.
 */
import { definePlugin, StorageError, type PluginContext, type PluginInstance, type RouteOptions } from 'xlive/sdk';
import { resolveConfig, type HlsConfig } from './config.js';
import { registerHlsMetrics } from './hls-metrics.js';
import { PlayDecisions } from './play-decisions.js';
import { HLS_MOUNT, liveHandler } from './hls-routes.js';
import { HlsStreams } from './hls-streams.js';
import { HLS_ROUTE_DOCS as DOCS } from './route-docs.js';
import { preflightHandler } from './http-send.js';
import { registerRecordingLinks } from './recording-links.js';
import { recordingPlaylistHandler, recordingSegmentHandler } from './recording-routes.js';
import { registerRecordingsApi } from './recordings-api.js';
import { RECORDING_ID_SCHEMA, SEGMENT_FILE_SCHEMA } from './recordings-api-doc.js';
import { HLS_MIGRATIONS, StreamSettingsStore } from './stream-settings-store.js';
import { registerStreamSettingsRoutes } from './stream-settings-routes.js';
import { ViewerCounter } from './viewer-counter.js';

/** Keys a running plugin cannot take live (see `reconfigure`). */
const RESTART_KEYS = ['storage', 'segmentMaxAgeSeconds'] as const;
/** Viewers are sessions seen within this many target durations. */
const VIEWER_WINDOW_SEGMENTS = 3;
/** A muxer or write error this recent makes the health check warn. */
const ERROR_RECENT_MS = 60_000;

function setup(ctx: PluginContext<HlsConfig>): PluginInstance {
  const config = resolveConfig(ctx.config as unknown as Record<string, unknown>);
  const viewers = new ViewerCounter(VIEWER_WINDOW_SEGMENTS * config.segmentMs);
  const metrics = registerHlsMetrics(ctx.metrics, () => viewers.counts());
  const settings = new StreamSettingsStore(() => ctx.store.migrate(HLS_MIGRATIONS));
  const hls = new HlsStreams({
    windowSizeFor: (path) => settings.get(path).windowSize ?? undefined,
    streams: ctx.streams,
    events: ctx.events,
    config,
    log: ctx.log,
    metrics,
    onReleased: (path) => {
      viewers.forget(path);
      ctx.streams.setExtraReaders(path, 'hls', 0);
    },
  });

  const recordingDeps = { hls, http: ctx.http, log: ctx.log };
  registerRecordingsApi({ hls, http: ctx.http, auth: ctx.auth, log: ctx.log });
  registerStreamSettingsRoutes({ http: ctx.http, hls, settings, streams: ctx.streams, auth: ctx.auth, config, log: ctx.log });
  // Recording routes first: they are more specific than the public live route below.
  const vod = (summary: string, file?: boolean) =>
    ({
      scope: 'recordings:read',
      media: true,
      doc: { summary, tags: ['recordings'], params: { id: RECORDING_ID_SCHEMA, ...(file ? { file: SEGMENT_FILE_SCHEMA } : {}) } },
    }) satisfies RouteOptions;
  ctx.http.route('GET', `${HLS_MOUNT}/recordings/:id/index.m3u8`, recordingPlaylistHandler(recordingDeps), vod('VOD playlist of a recording (EVENT while it records)'));
  ctx.http.route('GET', `${HLS_MOUNT}/recordings/:id/:file`, recordingSegmentHandler(recordingDeps), vod('A recorded segment', true));
  registerRecordingLinks({ hls, http: ctx.http, auth: ctx.auth, log: ctx.log });

  const plays = new PlayDecisions({ gates: ctx.gates });
  ctx.gates.onRevoke((path) => plays.forget(path));
  const live = liveHandler({ hls, streams: ctx.streams, plays, http: ctx.http, viewers, config, log: ctx.log });
  ctx.http.route('GET', `${HLS_MOUNT}/*`, live, { public: true, media: true, doc: DOCS.live });
  ctx.http.route('OPTIONS', `${HLS_MOUNT}/*`, preflightHandler('GET, OPTIONS'), { public: true, media: true, doc: DOCS.livePreflight });

  ctx.health.register({
    name: 'muxer',
    check: () => {
      const e = hls.errors;
      const streams = `${hls.size} streams`;
      if (e.count === 0) return { status: 'ok', message: streams };
      const recent = Date.now() - e.lastAt < ERROR_RECENT_MS;
      return { status: recent ? 'warn' : 'ok', message: `${streams}, ${e.count} muxer/storage errors (last: ${e.lastMessage})` };
    },
  });

  let timer: NodeJS.Timeout | undefined;
  return {
    // Segment length, window, TTLs and limits apply to streams created from now on; the storage
    // provider and the segments' Cache-Control are fixed when the plugin starts.
    reconfigure(next) {
      const updated = resolveConfig(next);
      hls.reconfigure(updated);
      return RESTART_KEYS.filter((k) => updated[k] !== config[k]);
    },
    start() {
      const provider = ctx.storage.get(config.storage);
      if (!provider) {
        throw new StorageError(`hls needs a storage provider${config.storage ? ` named "${config.storage}"` : ''}; is storage-local enabled?`);
      }
      hls.start(provider);
      // Viewer counts into the stream stats, about once per target duration.
      timer = setInterval(() => {
        for (const path of hls.paths()) ctx.streams.setExtraReaders(path, 'hls', viewers.count(path));
      }, config.segmentMs);
      timer.unref();
      ctx.log.info(`hls on ${HLS_MOUNT}/<app>/<stream>/index.m3u8 (segments ${config.segmentMs} ms, window ${config.windowSize}, storage ${provider.name})`);
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await hls.stop();
    },
  };
}

export default definePlugin<HlsConfig>({ setup });

export type { HlsConfig } from './config.js';
