/**
 * Recordings as VOD for players: `GET /hls/recordings/<id>/index.m3u8` (EXT-X-PLAYLIST-TYPE:VOD +
 * ENDLIST once ended, EVENT while still recording) and its segments, for callers with
 * `recordings:read` (panel session, token). The same, without a session, under `/hls/links/<id>/…`
 * with a signed `?token=` (see recording-links.ts). Listing, details, download and delete are in the
 * API (recordings-api.ts). Only segments the recording index lists are ever opened.
 */
import { NotFoundError, type HttpRegistrar, type Logger, type RouteHandler } from 'xlive/sdk';
import { renderMediaPlaylist } from './codec/playlist.js';
import type { HlsStreams } from './hls-streams.js';
import { playlistResponse, sendObject, SEGMENT_TYPE } from './http-send.js';
import { withQuery } from './live-playlist.js';
import type { RecordingView } from './recording-access.js';
import { findRecording, storeOf, type Store } from './recordings-api.js';
import { baseName, isSegmentName } from './segment-name.js';

export interface RecordingRouteDeps {
  hls: Pick<HlsStreams, 'storage'>;
  http: Pick<HttpRegistrar, 'raw' | 'alreadySent'>;
  log: Logger;
}

/** Check access to a recording before anything is served (a signed link's token); none for scoped routes. */
export type RecordingGate = (c: Parameters<RouteHandler>[0], store: Store, id: string | undefined) => Promise<RecordingView>;

export const openGate: RecordingGate = async (_c, store, id) => (await findRecording(store, id)).view;

export function recordingPlaylistHandler(deps: RecordingRouteDeps, gate: RecordingGate = openGate, query: (c: Parameters<RouteHandler>[0]) => string = () => ''): RouteHandler {
  return async (c) => {
    const rec = await gate(c, storeOf(deps.hls), c.req.param('id'));
    const text = renderMediaPlaylist({
      kind: rec.ended ? 'vod' : 'event',
      segments: rec.segments.map((s, i) => ({ sequence: i, uri: baseName(s.key), durationMs: s.durationMs, discontinuity: s.discontinuity && i > 0 })),
    });
    return playlistResponse(withQuery(text, query(c)), rec.ended ? 'max-age=60' : 'no-cache');
  };
}

export function recordingSegmentHandler(deps: RecordingRouteDeps, gate: RecordingGate = openGate): RouteHandler {
  return async (c) => {
    const file = c.req.param('file') ?? '';
    if (!isSegmentName(file)) throw new NotFoundError(`no recorded segment named ${JSON.stringify(file.slice(0, 80))}`);
    const store = storeOf(deps.hls);
    const rec = await gate(c, store, c.req.param('id'));
    const seg = rec.segments.find((s) => baseName(s.key) === file);
    const obj = seg ? await store.provider.open('recording', seg.key) : null;
    if (!obj) throw new NotFoundError(`recording ${rec.id} has no segment ${file}`);
    return sendObject(deps.http, c, { 'Content-Type': SEGMENT_TYPE, 'Cache-Control': 'public, max-age=86400, immutable' }, obj, deps.log);
  };
}
