import type { JsonSchema, RouteDoc } from '../sdk/http.js';

/** The docs (`RouteOptions.doc`) of the core's own routes in `core-routes.ts`, read from their handlers. */

/** One segment of a stream path (`<app>/<name>`), as the hub accepts it (core/streams/stream-path.ts). */
const SEGMENT: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$' };
const STREAM_PARAMS = { app: { ...SEGMENT, description: 'The stream\'s app (`live` in `live/stage`)' }, name: { ...SEGMENT, description: 'The stream\'s name' } };
const PLUGIN_ID: JsonSchema = { type: 'string', minLength: 1, maxLength: 214, description: 'Plugin id' };

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

const PLUGIN_STATUS: JsonSchema = {
  type: 'object',
  required: ['id', 'version', 'kinds', 'source', 'enabled', 'state', 'error', 'permissions', 'consentRequired', 'consentPending'],
  properties: {
    id: { type: 'string' },
    version: { type: ['string', 'null'] },
    kinds: { type: 'array', items: { type: 'string' } },
    source: { enum: ['builtin', 'external'] },
    dir: { type: 'string' },
    enabled: { type: 'boolean', description: 'Whether it runs at the next start' },
    state: { enum: ['disabled', 'loaded', 'running', 'failed', 'skipped', 'stopped'] },
    error: { oneOf: [{ type: 'null' }, { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } }] },
    permissions: { type: 'array', items: { type: 'string' } },
    consentRequired: { type: 'boolean' },
    consentPending: { type: 'boolean' },
    faults: { type: 'object', description: 'Faults and slow callbacks charged to it' },
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
    ingest: { type: 'object', properties: { bitrateBps: { type: 'number' }, fps: { type: 'number' }, frames: { type: 'number' }, bytes: { type: 'number' } } },
    readers: { type: 'integer', minimum: 0 },
    readersByProtocol: { type: 'object', additionalProperties: { type: 'integer' } },
    drops: { type: 'object', properties: { frames: { type: 'integer' }, slowDisconnects: { type: 'integer' } } },
    gopCacheBytes: { type: 'integer' },
    uptimeMs: { type: 'number' },
  },
};

const BOX_EVENT: JsonSchema = {
  type: 'object',
  required: ['id', 'time', 'type', 'severity', 'source', 'stream', 'message', 'data'],
  properties: {
    id: { type: 'integer' },
    time: { type: 'string', format: 'date-time' },
    type: { type: 'string', description: '`stream.started`, `publish.refused`, `plugin.failed`, …' },
    severity: { type: 'string' },
    source: { type: 'string', description: '`core` or a plugin id' },
    stream: { type: ['string', 'null'] },
    message: { type: 'string' },
    data: { type: 'object' },
  },
};

const items = (item: JsonSchema): JsonSchema => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } });

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
  listPlugins: { summary: 'Installed plugins with their state', tags: ['plugins'], responses: { 200: { description: 'Plugins', schema: items(PLUGIN_STATUS) } } },
  getPlugin: { summary: 'One plugin\'s state', tags: ['plugins'], params: { id: PLUGIN_ID }, responses: { 200: { description: 'The plugin', schema: PLUGIN_STATUS } } },
  patchPlugin: {
    summary: 'Enable or disable a plugin (from the next start)',
    description: 'Enabling a third-party plugin also needs `permissions`: exactly the permissions it declares (consent).',
    tags: ['plugins'],
    params: { id: PLUGIN_ID },
    body: {
      required: true,
      schema: {
        type: 'object',
        required: ['enabled'],
        properties: {
          enabled: { type: 'boolean' },
          // Not constrained here: anything but exactly the declared list is answered 409 with that list.
          permissions: { description: 'The permissions the plugin declares, confirmed: an array of strings (otherwise 409 PLUGIN_CONSENT_REQUIRED with the list)' },
        },
      },
    },
    responses: {
      200: { description: 'The plugin, with `restartRequired`', schema: { ...PLUGIN_STATUS, required: ['id', 'enabled', 'restartRequired'], properties: { ...(PLUGIN_STATUS['properties'] as object), restartRequired: { type: 'boolean' } } } },
      409: { description: 'Consent required (PLUGIN_CONSENT_REQUIRED), the last auth provider (AUTH_PROVIDER_REQUIRED), or no valid manifest' },
    },
  },
  listStreams: { summary: 'Streams being published', tags: ['streams'], responses: { 200: { description: 'Streams', schema: items(STREAM_STATS) } } },
  getStream: { summary: 'One published stream\'s stats', tags: ['streams'], params: STREAM_PARAMS, responses: { 200: { description: 'The stream', schema: STREAM_STATS } } },
  kickStream: { summary: 'End a stream\'s publisher (and so its viewers)', tags: ['streams'], params: STREAM_PARAMS, responses: { 204: { description: 'Ended' } } },
  listEvents: {
    summary: 'The event log (stream, viewer, plugin, health events), oldest first',
    tags: ['events'],
    query: {
      type: { type: 'string', description: 'Only this event type (`stream.started`)' },
      since: { type: 'string', description: 'Only events newer than this ISO date' },
      after: { type: 'integer', minimum: 0, description: 'Only events with an id greater than this' },
      limit: { type: 'integer', minimum: 0, description: 'At most this many' },
    },
    responses: { 200: { description: 'Events', schema: items(BOX_EVENT) } },
  },
} satisfies Record<string, RouteDoc>;
