import type { JsonSchema, RouteDoc } from '../sdk/http.js';

/** The docs (`RouteOptions.doc`) of the core's own routes in `core-routes.ts`, read from their handlers. */

/** One segment of a stream path (`<app>/<name>`), as the hub accepts it (core/streams/stream-path.ts). */
const SEGMENT: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$' };
const STREAM_PARAMS = { app: { ...SEGMENT, description: 'The stream\'s app (`live` in `live/stage`)' }, name: { ...SEGMENT, description: 'The stream\'s name' } };

const HEALTH_REPORT: JsonSchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { enum: ['ok', 'warn', 'fail'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'status', 'since'],
        properties: {
          name: { type: 'string' },
          status: { enum: ['ok', 'warn', 'fail'] },
          message: { type: 'string', description: 'Only for callers with system:read' },
          publicMessage: { type: 'string' },
          since: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
};


const STREAM_STATS: JsonSchema = {
  type: 'object',
  required: ['path', 'app', 'name', 'publisher', 'media', 'readers'],
  properties: {
    path: { type: 'string', description: '`<app>/<name>`' },
    app: { type: 'string' },
    name: { type: 'string' },
    publisher: {
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['protocol', 'since', 'sessionId'], properties: { protocol: { type: 'string' }, remote: { type: 'string' }, since: { type: 'number' }, sessionId: { type: 'string' } } },
      ],
    },
    media: { type: 'object', description: 'Codecs, resolution, sample rate' },
    metadata: { type: 'object' },
    ingest: { type: 'object', properties: { bitrateBps: { type: 'number' }, fps: { type: 'number' }, frames: { type: 'number' }, bytes: { type: 'number' }, keyframeIntervalMs: { type: ['number', 'null'], description: 'media time between the last two video keyframes; HLS segments cannot be shorter' } } },
    readers: { type: 'integer', minimum: 0 },
    readersByProtocol: { type: 'object', additionalProperties: { type: 'integer' } },
    drops: { type: 'object', properties: { frames: { type: 'integer' }, slowDisconnects: { type: 'integer' } } },
    gopCacheBytes: { type: 'integer' },
    uptimeMs: { type: 'number' },
  },
};



export const CORE_ROUTE_DOCS = {
  healthz: { summary: 'Liveness: the process answers', tags: ['health'], responses: { 200: { description: 'Alive', schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } } },
  readyz: {
    summary: 'Readiness: every health check; messages only for callers with system:read',
    tags: ['health'],
    responses: { 200: { description: 'Ready (ok or warn)', schema: HEALTH_REPORT }, 503: { description: 'A check fails: problem+json NOT_READY with `checks`' } },
  },
  version: {
    summary: 'Name, version, plugin API version and access mode of the box',
    tags: ['system'],
    responses: {
      200: {
        description: 'Versions',
        schema: {
          type: 'object',
          required: ['name', 'version', 'pluginApiVersion', 'node'],
          properties: {
            name: { type: 'string' },
            version: { type: 'string' },
            pluginApiVersion: { type: 'string' },
            node: { type: 'string' },
            labMode: { type: 'boolean' },
            auth: { type: 'string', description: 'enforced, lab-open or closed' },
          },
        },
      },
    },
  },
  getStream: { summary: 'One published stream\'s stats', tags: ['streams'], params: STREAM_PARAMS, responses: { 200: { description: 'The stream', schema: STREAM_STATS } } },
  kickStream: { summary: 'End a stream\'s publisher (and so its viewers)', tags: ['streams'], params: STREAM_PARAMS, responses: { 204: { description: 'Ended' } } },
} satisfies Record<string, RouteDoc>;
