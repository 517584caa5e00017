/**
 * Per-stream settings: `GET/PUT/PATCH /api/v1/stream-settings/:app/:name`.
 *   recording.always   true/false: record every publish of this stream (or never), over the config's
 *                      `plugins.storage-local.record`/`recordAll`; null: follow the config. Kept by the
 *                      storage provider with its recordings (storage-local's database). A change also
 *                      applies to a live publish within one segment.
 *   hls.windowSize     segments in this stream's live playlist; null: `plugins.hls.windowSize`. Kept in
 *                      this plugin's database; applies from the stream's next publish.
 *   protection         read-only here: whether viewers need a playback token. It belongs to the
 *                      stream's key (`PATCH /api/v1/stream-keys/:app/:name { "protected": … }`).
 * PUT replaces the writable sections (a missing one is reset to null), PATCH merges.
 */
import { NotFoundError, ValidationError, type AuthApi, type Context, type HttpRegistrar, type JsonSchema, type Logger, type RecordingStore, type StreamApi } from 'xlive/sdk';
import type { HlsConfig } from './config.js';
import type { HlsStreams } from './hls-streams.js';
import { recordingStoreOf } from './recording-access.js';
import type { StreamSettingsStore } from './stream-settings-store.js';

export const SETTINGS_MOUNT = '/api/v1/stream-settings';
const MIN_WINDOW = 2;
const MAX_WINDOW = 100;

export interface StreamSettingsDeps {
  http: HttpRegistrar;
  hls: Pick<HlsStreams, 'storage'>;
  settings: StreamSettingsStore;
  streams: Pick<StreamApi, 'parsePath'>;
  auth: Pick<AuthApi, 'authorize'>;
  config: HlsConfig;
  log: Logger;
}

interface Writable {
  always: boolean | null;
  windowSize: number | null;
}

const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema['type'] as string, 'null'] });
const writableSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    recording: { type: 'object', additionalProperties: false, properties: { always: nullable({ type: 'boolean' }) } },
    hls: { type: 'object', additionalProperties: false, properties: { windowSize: nullable({ type: 'integer', minimum: MIN_WINDOW, maximum: MAX_WINDOW }) } },
  },
};
const settingsSchema: JsonSchema = {
  type: 'object',
  required: ['stream', 'recording', 'hls', 'protection'],
  properties: {
    stream: { type: 'string' },
    recording: {
      type: 'object',
      properties: {
        always: { type: ['boolean', 'null'], description: 'null: follow plugins.storage-local.record / recordAll' },
        next: { type: 'boolean', description: 'whether the next publish will be recorded' },
        live: { type: ['boolean', 'null'], description: 'a start/stop request for the current publish (POST/DELETE /api/v1/streams/:app/:name/recording)' },
      },
    },
    hls: {
      type: 'object',
      properties: { windowSize: { type: ['integer', 'null'] }, effectiveWindowSize: { type: 'integer' } },
    },
    protection: {
      type: 'object',
      properties: { protected: { type: 'boolean' }, managedAt: { type: 'string', description: 'where protection is changed' } },
    },
  },
};
const params = { app: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' }, name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' } };
const ok = { 200: { description: 'the stream\'s settings', schema: settingsSchema } };

export function registerStreamSettingsRoutes(d: StreamSettingsDeps): void {
  const pathOf = (c: Context) => d.streams.parsePath(`${c.req.param('app')}/${c.req.param('name')}`).path;
  const store = (): RecordingStore & Required<Pick<RecordingStore, 'alwaysRecord' | 'setAlwaysRecord'>> => {
    const s = recordingStoreOf(d.hls.storage);
    if (!s?.alwaysRecord || !s.setAlwaysRecord) throw new NotFoundError('the storage provider keeps no per-stream recording settings');
    return s as RecordingStore & Required<Pick<RecordingStore, 'alwaysRecord' | 'setAlwaysRecord'>>;
  };
  const current = (path: string): Writable => ({ always: store().alwaysRecord(path), windowSize: d.settings.get(path).windowSize });

  const view = async (path: string) => {
    const s = store();
    const windowSize = d.settings.get(path).windowSize;
    const anonymous = { id: 'anonymous', kind: 'anonymous' as const, scopes: [] };
    return {
      stream: path,
      recording: { always: s.alwaysRecord(path), next: d.config.recordings && s.shouldRecord(path), live: s.liveRecording?.(path) ?? null },
      hls: { windowSize, effectiveWindowSize: windowSize ?? d.config.windowSize },
      protection: { protected: !(await d.auth.authorize(anonymous, `stream:${path}`, 'read')), managedAt: `/api/v1/stream-keys/${path}` },
    };
  };

  const apply = async (c: Context, merge: boolean) => {
    const path = pathOf(c);
    const next = parseBody(await c.req.text(), merge ? current(path) : { always: null, windowSize: null });
    store().setAlwaysRecord(path, next.always);
    d.settings.set(path, { windowSize: next.windowSize });
    d.log.info(`settings of ${path}: always record ${String(next.always)}, window ${String(next.windowSize)}`);
    return c.json(await view(path));
  };

  d.http.route('GET', `${SETTINGS_MOUNT}/:app/:name`, async (c) => c.json(await view(pathOf(c))), {
    scope: 'streams:read',
    doc: { summary: "A stream's settings: recording, HLS window, protection", tags: ['streams'], params, responses: ok },
  });
  const body = { schema: writableSchema, required: true };
  d.http.route('PUT', `${SETTINGS_MOUNT}/:app/:name`, (c) => apply(c, false), {
    scope: 'streams:write',
    doc: { summary: "Replace a stream's settings (a missing section is reset to the config's)", tags: ['streams'], params, body, responses: ok },
  });
  d.http.route('PATCH', `${SETTINGS_MOUNT}/:app/:name`, (c) => apply(c, true), {
    scope: 'streams:write',
    doc: { summary: "Change some of a stream's settings", tags: ['streams'], params, body, responses: ok },
  });
}

function parseBody(text: string, base: Writable): Writable {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('send a JSON object like { "recording": { "always": true }, "hls": { "windowSize": 8 } }');
  }
  const obj = (v: unknown, where: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw field(where, v, 'must be an object');
    return v as Record<string, unknown>;
  };
  const top = obj(body, 'body');
  const out = { ...base };
  for (const key of Object.keys(top)) {
    if (key === 'protection') throw field('protection', top[key], 'is changed with PATCH /api/v1/stream-keys/:app/:name { "protected": true|false }');
    if (key !== 'recording' && key !== 'hls') throw field(key, top[key], 'is not a setting (recording, hls)');
  }
  if (top['recording'] !== undefined) {
    const r = obj(top['recording'], 'recording');
    for (const k of Object.keys(r)) if (k !== 'always') throw field(`recording.${k}`, r[k], 'is not a setting (always)');
    if ('always' in r) {
      if (r['always'] !== null && typeof r['always'] !== 'boolean') throw field('recording.always', r['always'], 'must be true, false or null');
      out.always = r['always'] as boolean | null;
    }
  }
  if (top['hls'] !== undefined) {
    const h = obj(top['hls'], 'hls');
    for (const k of Object.keys(h)) if (k !== 'windowSize') throw field(`hls.${k}`, h[k], 'is not a setting (windowSize)');
    if ('windowSize' in h) {
      const w = h['windowSize'];
      if (w !== null && (typeof w !== 'number' || !Number.isInteger(w) || w < MIN_WINDOW || w > MAX_WINDOW)) {
        throw field('hls.windowSize', w, `must be an integer from ${MIN_WINDOW} to ${MAX_WINDOW}, or null`);
      }
      out.windowSize = w as number | null;
    }
  }
  return out;
}

function field(name: string, value: unknown, why: string): ValidationError {
  return new ValidationError(`${name} ${why}, got ${JSON.stringify(value)?.slice(0, 80)}`, { details: { field: name, value } });
}
