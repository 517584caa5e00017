/**
 * Recordings as VOD: `GET /hls/recordings` (list), `GET /hls/recordings/<id>/index.m3u8`
 * (EXT-X-PLAYLIST-TYPE:VOD + ENDLIST once ended, EVENT while still recording), its segments,
 * `GET /hls/recordings/<id>/download` (one concatenated .ts, streamed) and `DELETE /hls/recordings/<id>`.
 * Only segments the recording index lists are ever opened.
 */
import { NotFoundError, ValidationError, type HttpRegistrar, type Logger, type ObjectReader, type RecordingStore, type RouteHandler, type StorageProvider } from 'xlive/sdk';
import { renderMediaPlaylist } from './codec/playlist.js';
import type { HlsStreams } from './hls-streams.js';
import { CORS_HEADERS, playlistResponse, sendObject, sendObjects, SEGMENT_TYPE } from './http-send.js';
import { recordingStoreOf, recordingView, type RecordingView } from './recording-access.js';
import { baseName, isRecordingId, isSegmentName } from './segment-name.js';

export interface RecordingRouteDeps {
  hls: Pick<HlsStreams, 'storage'>;
  http: Pick<HttpRegistrar, 'raw' | 'alreadySent'>;
  log: Logger;
}

interface Store {
  provider: StorageProvider;
  recordings: RecordingStore;
}

function storeOf(deps: RecordingRouteDeps): Store {
  const provider = deps.hls.storage;
  const recordings = recordingStoreOf(provider);
  if (!provider || !recordings) throw new NotFoundError('this box keeps no recordings (the storage provider has no recording store)');
  return { provider, recordings };
}

async function findRecording(store: Store, id: string | undefined): Promise<RecordingView> {
  if (id === undefined || !isRecordingId(id)) throw new NotFoundError(`no recording ${JSON.stringify(String(id).slice(0, 80))}`);
  const raw = await store.recordings.getRecording(id);
  if (!raw) throw new NotFoundError(`no recording ${id}`, { details: { recordingId: id } });
  return recordingView(id, raw);
}

export function listRecordingsHandler(deps: RecordingRouteDeps): RouteHandler {
  return async (c) => {
    const stream = c.req.query('stream');
    if (stream !== undefined && !/^[A-Za-z0-9_.-]{1,128}\/[A-Za-z0-9_.-]{1,128}$/.test(stream)) {
      throw new ValidationError(`stream must be "<app>/<stream>", got ${JSON.stringify(stream.slice(0, 80))}`);
    }
    const recordings = await storeOf(deps).recordings.listRecordings(stream);
    return c.json({ recordings }, 200, { ...CORS_HEADERS, 'Cache-Control': 'no-cache' });
  };
}

export function recordingPlaylistHandler(deps: RecordingRouteDeps): RouteHandler {
  return async (c) => {
    const rec = await findRecording(storeOf(deps), c.req.param('id'));
    const text = renderMediaPlaylist({
      kind: rec.ended ? 'vod' : 'event',
      segments: rec.segments.map((s, i) => ({ sequence: i, uri: baseName(s.key), durationMs: s.durationMs, discontinuity: s.discontinuity && i > 0 })),
    });
    return playlistResponse(text, rec.ended ? 'max-age=60' : 'no-cache');
  };
}

export function recordingSegmentHandler(deps: RecordingRouteDeps): RouteHandler {
  return async (c) => {
    const file = c.req.param('file') ?? '';
    if (!isSegmentName(file)) throw new NotFoundError(`no recorded segment named ${JSON.stringify(file.slice(0, 80))}`);
    const store = storeOf(deps);
    const rec = await findRecording(store, c.req.param('id'));
    const seg = rec.segments.find((s) => baseName(s.key) === file);
    const obj = seg ? await store.provider.open('recording', seg.key) : null;
    if (!obj) throw new NotFoundError(`recording ${rec.id} has no segment ${file}`);
    return sendObject(deps.http, c, { 'Content-Type': SEGMENT_TYPE, 'Cache-Control': 'public, max-age=86400, immutable' }, obj, deps.log);
  };
}

export function downloadRecordingHandler(deps: RecordingRouteDeps): RouteHandler {
  return async (c) => {
    const store = storeOf(deps);
    const rec = await findRecording(store, c.req.param('id'));
    // Open the first present segment before answering, so a recording with no data is a 404.
    let i = 0;
    let first: ObjectReader | null = null;
    while (!first && i < rec.segments.length) first = await store.provider.open('recording', rec.segments[i++]!.key);
    if (!first) throw new NotFoundError(`recording ${rec.id} has no stored segments`);
    const next = i;
    const rest = async function* (): AsyncIterable<ObjectReader> {
      for (const seg of rec.segments.slice(next)) {
        const obj = await store.provider.open('recording', seg.key);
        if (obj) yield obj;
        else deps.log.warn(`recording ${rec.id}: segment ${seg.key} is missing, skipped in the download`);
      }
    };
    const fileName = `${(rec.stream ?? 'recording').replace(/[^A-Za-z0-9_.-]/g, '_')}-${rec.id}.ts`;
    return sendObjects(
      deps.http,
      c,
      { 'Content-Type': SEGMENT_TYPE, 'Content-Disposition': `attachment; filename="${fileName}"`, 'Cache-Control': 'no-cache' },
      first,
      rest,
      deps.log,
    );
  };
}

export function deleteRecordingHandler(deps: RecordingRouteDeps): RouteHandler {
  return async (c) => {
    const store = storeOf(deps);
    const rec = await findRecording(store, c.req.param('id'));
    await store.recordings.deleteRecording(rec.id);
    return new Response(null, { status: 204, headers: CORS_HEADERS });
  };
}
