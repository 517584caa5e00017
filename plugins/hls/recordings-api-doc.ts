/** RouteDocs (JSON Schema 2020-12) of the recordings API, for request validation and the OpenAPI document. */
import type { JsonSchema, RouteDoc } from 'xlive/sdk';
import { MAX_LIMIT, STREAM_PATTERN } from './recording-query.js';

const tags = ['recordings'];
export const RECORDING_ID_SCHEMA: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$', description: 'Recording id, e.g. 20250101T120000Z-0a1b2c3d' };
export const SEGMENT_FILE_SCHEMA: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9]{1,16}-[0-9]{1,12}\\.ts$', description: 'segment file name' };
const idParam = { id: RECORDING_ID_SCHEMA };

const recording: JsonSchema = {
  type: 'object',
  required: ['id', 'stream', 'startedAt', 'endedAt', 'active', 'segments', 'bytes', 'durationMs', 'playlistUrl', 'downloadUrl'],
  properties: {
    id: { type: 'string' },
    stream: { type: 'string', description: '<app>/<stream>' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time', description: 'null while still recording' },
    active: { type: 'boolean', description: 'still recording' },
    segments: { type: 'integer', minimum: 0 },
    bytes: { type: 'integer', minimum: 0 },
    durationMs: { type: 'integer', minimum: 0 },
    playlistUrl: { type: 'string', description: 'VOD playlist (EVENT while recording); needs recordings:read, or use a signed link' },
    downloadUrl: { type: 'string' },
  },
};

const details: JsonSchema = {
  ...recording,
  required: [...(recording['required'] as string[]), 'parts'],
  properties: {
    ...(recording['properties'] as Record<string, JsonSchema>),
    parts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['file', 'seq', 'durationMs', 'bytes', 'discontinuity'],
        properties: { file: { type: 'string' }, seq: { type: 'integer' }, durationMs: { type: 'integer' }, bytes: { type: 'integer' }, discontinuity: { type: 'boolean' } },
      },
    },
  },
};

const ts = { description: 'MPEG-TS', contentType: 'video/mp2t', schema: { type: 'string', format: 'binary' } };

export const doc = {
  list: {
    summary: 'List recordings, newest first, with filters and paging',
    tags,
    query: {
      stream: { type: 'string', pattern: STREAM_PATTERN, description: 'only this stream (<app>/<stream>)' },
      from: { type: 'string', description: 'only recordings still running at or after this time (ISO 8601 date-time or epoch ms)' },
      to: { type: 'string', description: 'only recordings started at or before this time (ISO 8601 date-time or epoch ms)' },
      limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: `page size, 1..${MAX_LIMIT} (default 50)` },
      cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,400}$', description: 'the `next` of the previous page' },
    },
    responses: {
      200: {
        description: 'one page',
        schema: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: recording }, next: { type: ['string', 'null'] } } },
      },
    },
  },
  get: { summary: "One recording's details and segments", tags, params: idParam, responses: { 200: { description: 'the recording', schema: details } } },
  delete: { summary: 'Delete a recording and its files (409 while it is still recording)', tags, params: idParam, responses: { 204: { description: 'deleted' } } },
  download: {
    summary: 'Download a recording as one MPEG-TS file; honours Range (one range) and If-Range',
    description: 'Range: bytes=a-b, a- or -n answers 206 with Content-Range; a range past the end answers 416 with Content-Range: bytes */<size>; several ranges are ignored (200, whole body). ETag is strong.',
    tags,
    params: idParam,
    responses: { 200: ts, 206: { ...ts, description: 'the requested range' } },
  },
  links: {
    summary: 'Make short-lived signed links (download and VOD playlist) usable without a session',
    description: 'The links are HMAC-signed with the box key, bound to this recording and to its stream\'s playback revocation epoch: POST /api/v1/stream-keys/:app/:name/playback-revocation voids them.',
    tags,
    params: idParam,
    body: {
      required: false,
      schema: { type: 'object', additionalProperties: false, properties: { ttlSeconds: { type: 'integer', minimum: 60, maximum: 604800, default: 3600 } } },
    },
    responses: {
      201: {
        description: 'the links (paths on this box; prepend its base URL)',
        schema: {
          type: 'object',
          required: ['recordingId', 'expiresAt', 'token', 'url', 'playlistUrl'],
          properties: {
            recordingId: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
            token: { type: 'string' },
            url: { type: 'string', description: 'download (Range aware)' },
            playlistUrl: { type: 'string', description: 'VOD playlist whose segment URIs carry the token' },
          },
        },
      },
    },
  },
} satisfies Record<string, RouteDoc>;
