/**
 * Live HLS over HTTP: `GET /hls/<app>/<stream>/index.m3u8` (from memory) and its segments
 * `GET /hls/<app>/<stream>/<session>-<seq>.ts` (streamed from storage). Names are checked strictly
 * before anything else, then the play gates as in the other protocols — asked once per viewer session
 * (PlayDecisions), the playlist's query (`?token=`…) carried into its segment URIs — then the
 * stream's HLS state; every request counts its viewer.
 */
import {
  NotFoundError,
  StreamNotFoundError,
  type HttpRegistrar,
  type Logger,
  type RouteHandler,
  type StreamApi,
  type StreamPath,
} from 'xlive/sdk';
import type { HlsConfig } from './config.js';
import type { HlsStreams } from './hls-streams.js';
import { PLAYLIST_TYPE, sendBuffer, sendObject, SEGMENT_TYPE } from './http-send.js';
import { withQuery } from './live-playlist.js';
import { canonicalQuery, type PlayDecisions } from './play-decisions.js';
import { PLAYLIST_NAME, isSegmentName, liveKey } from './segment-name.js';
import { ViewerCounter } from './viewer-counter.js';

export const HLS_MOUNT = '/hls';
/** Longer request paths are refused before they are looked at. */
const MAX_PATH_LENGTH = 400;
/** Queries longer than this are not copied into playlists. */
const MAX_QUERY_LENGTH = 2048;

export interface LiveRequest {
  app: string;
  name: string;
  path: StreamPath;
  /** `index.m3u8` or a segment name. */
  file: string;
}

/** `/hls/<app>/<stream>/<file>` → its parts; NotFoundError (or the hub's ValidationError) otherwise. */
export function parseLiveRequest(pathname: string, streams: Pick<StreamApi, 'parsePath'>): LiveRequest {
  const prefix = HLS_MOUNT + '/';
  const parts = pathname.length <= MAX_PATH_LENGTH && pathname.startsWith(prefix) ? pathname.slice(prefix.length).split('/') : [];
  if (parts.length !== 3) {
    throw new NotFoundError(`no hls object at ${JSON.stringify(pathname.slice(0, 120))}: use ${prefix}<app>/<stream>/${PLAYLIST_NAME}`);
  }
  const [app, name, file] = parts as [string, string, string];
  if (file !== PLAYLIST_NAME && !isSegmentName(file)) {
    throw new NotFoundError(`no hls object named ${JSON.stringify(file.slice(0, 80))}`);
  }
  return { ...streams.parsePath(`${app}/${name}`), file };
}

export interface LiveRouteDeps {
  hls: Pick<HlsStreams, 'get' | 'storage'>;
  streams: Pick<StreamApi, 'parsePath'>;
  /** Play decisions of the gate chain, kept per viewer session. */
  plays: Pick<PlayDecisions, 'decide'>;
  http: Pick<HttpRegistrar, 'raw' | 'remote' | 'alreadySent'>;
  viewers: ViewerCounter;
  config: HlsConfig;
  log: Logger;
}

export function liveHandler(deps: LiveRouteDeps): RouteHandler {
  const segmentCache = `public, max-age=${deps.config.segmentMaxAgeSeconds}, immutable`;
  // A new stream's first playlist request waits for its first segment rather than failing.
  const firstSegmentWaitMs = deps.config.segmentMs * 3 + 1000;
  return async (c) => {
    const target = parseLiveRequest(c.req.path, deps.streams);
    const query = c.req.query();
    const remote = deps.http.remote(c);
    const path = deps.streams.parsePath(await deps.plays.decide(target.app, target.name, query, remote)).path;
    const stream = deps.hls.get(path);
    if (!stream) throw new StreamNotFoundError(`stream ${path} has no hls: it is not being published`, { details: { path } });
    deps.viewers.touch(path, ViewerCounter.sessionKey(ipOf(remote), c.req.header('user-agent')));

    if (target.file === PLAYLIST_NAME) {
      if (stream.segmentCount === 0 && !(await stream.waitForSegment(firstSegmentWaitMs))) {
        throw new StreamNotFoundError(`stream ${path} has no hls segment yet`, { details: { path } });
      }
      // Segments carry the playlist's query, so they are the same viewer session to the play decisions.
      const carried = canonicalQuery(query);
      const text = carried.length <= MAX_QUERY_LENGTH ? withQuery(stream.playlistText(), carried) : stream.playlistText();
      return sendBuffer(deps.http, c, { 'Content-Type': PLAYLIST_TYPE, 'Cache-Control': 'no-cache' }, Buffer.from(text));
    }

    const inMemory = stream.hasSegment(target.file) ? stream.segmentBytes(target.file) : undefined;
    if (inMemory) return sendBuffer(deps.http, c, { 'Content-Type': SEGMENT_TYPE, 'Cache-Control': segmentCache }, inMemory);
    const provider = deps.hls.storage;
    const obj = stream.hasSegment(target.file) && provider ? await provider.open('live', liveKey(path, target.file)) : null;
    if (!obj) throw new NotFoundError(`segment ${target.file} of ${path} is not available (it may have left the live window)`, { details: { path } });
    return sendObject(deps.http, c, { 'Content-Type': SEGMENT_TYPE, 'Cache-Control': segmentCache }, obj, deps.log);
  };
}

/** `ip:port` (IPv4 or IPv6) → ip. */
function ipOf(remote: string): string {
  const i = remote.lastIndexOf(':');
  return i > 0 ? remote.slice(0, i) : remote;
}
