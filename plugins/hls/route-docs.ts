import type { JsonSchema, RouteDoc } from 'xlive/sdk';

/** The docs (`RouteOptions.doc`) of the HLS plugin's routes, read from hls-routes.ts and recording-routes.ts. */

const RECORDING_ID = { id: { type: 'string', description: 'Recording id (from the list)' } };
const TOKEN = { token: { type: 'string', description: 'A signed playback link token (POST /api/v1/playback-tokens), for protected streams' } };
const TS = { description: 'MPEG-TS', contentType: 'video/mp2t', schema: { type: 'string', contentMediaType: 'video/mp2t' } };
const PLAYLIST = { description: 'An HLS playlist (RFC 8216)', contentType: 'application/vnd.apple.mpegurl', schema: { type: 'string' } };

const RECORDING: JsonSchema = {
  type: 'object',
  required: ['id', 'stream', 'startedAt', 'endedAt'],
  properties: {
    id: { type: 'string' },
    stream: { type: 'string', description: '`<app>/<name>`' },
    startedAt: { type: 'string' },
    endedAt: { type: ['string', 'null'], description: 'null while still recording' },
    segments: { type: 'integer' },
    bytes: { type: 'integer' },
    durationMs: { type: 'number' },
  },
};

export const HLS_ROUTE_DOCS = {
  listRecordings: {
    summary: 'Recordings kept by the storage provider, optionally of one stream',
    tags: ['recordings'],
    query: { stream: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}/[A-Za-z0-9_.-]{1,128}$', description: '`<app>/<name>`' } },
    responses: { 200: { description: 'Recordings', schema: { type: 'object', required: ['recordings'], properties: { recordings: { type: 'array', items: RECORDING } } } } },
  },
  recordingPlaylist: {
    summary: 'A recording as an HLS playlist (VOD once ended, EVENT while recording)',
    tags: ['recordings'],
    params: RECORDING_ID,
    responses: { 200: PLAYLIST },
  },
  downloadRecording: {
    summary: 'A recording as one MPEG-TS file (attachment)',
    tags: ['recordings'],
    params: RECORDING_ID,
    responses: { 200: TS },
  },
  recordingSegment: {
    summary: 'One segment of a recording',
    tags: ['recordings'],
    params: { ...RECORDING_ID, file: { type: 'string', description: 'A segment name from the playlist (`<session>-<seq>.ts`)' } },
    responses: { 200: TS },
  },
  deleteRecording: { summary: 'Delete a recording and its segments', tags: ['recordings'], params: RECORDING_ID, responses: { 204: { description: 'Deleted' } } },
  live: {
    summary: 'Live HLS: `<app>/<name>/index.m3u8` and its segments `<app>/<name>/<session>-<seq>.ts`',
    description: 'Protected streams need `?token=` (carried into the segment URIs) or credentials.',
    tags: ['playback'],
    query: TOKEN,
    responses: { 200: { ...PLAYLIST, description: 'The live playlist (application/vnd.apple.mpegurl), or a segment (video/mp2t)' } },
  },
  livePreflight: { summary: 'CORS preflight for live HLS', tags: ['playback'], responses: { 204: { description: 'Allowed methods and headers' } } },
} satisfies Record<string, RouteDoc>;
