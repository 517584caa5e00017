/**
 * Per-stream settings: `GET/PUT/PATCH /api/v1/stream-settings/:app/:name`.
 *   recording.always   true/false: record every publish of this stream (or never), over the config's
 *                      `plugins.storage-local.record`/`recordAll`; null: follow the config. Kept by the
 *                      storage provider with its recordings (storage-local's database). A change also
 *                      applies to a live publish within one segment.
 *   hls.windowSize     segments in this stream's live playlist; null: `plugins.hls.windowSize`. Kept in
 *                      this plugin's database; applies from the stream's next publish.
 *   protection.protected  whether viewers need a playback token. Kept by the auth provider on the
 *                      stream's key (auth-local; the same as `PATCH /api/v1/stream-keys/:app/:name`),
 *                      changed through `AuthApi.setStreamProtection`: applies at once (viewers without
 *                      a link are ended), 409 when turning it on for a stream that has no key.
 * PUT replaces `recording` and `hls` (a missing one is reset to null), PATCH merges; `protection` is
 * changed only when sent, by either (a PUT that forgot it must not make a protected stream public).
 */
import { NotFoundError, ValidationError, type AuthApi, type Context, type HttpRegistrar, type JsonSchema, type Logger, type Principal, type RecordingStore, type StreamApi } from 'xlive/sdk';
import type { HlsConfig } from './config.js';
import type { HlsStreams } from './hls-streams.js';
import { recordingStoreOf } from './recording-access.js';
import type { StreamSettingsStore } from './stream-settings-store.js';

export const SETTINGS_MOUNT = '/api/v1/stream-settings';
const MIN_WINDOW = 2;
const MAX_WINDOW = 100;

export interface StreamSettingsDeps {
  hls: Pick<HlsStreams, 'storage'>;
  settings: StreamSettingsStore;
  streams: Pick<StreamApi, 'parsePath'>;
  auth: Pick<AuthApi, 'authorize' | 'streamProtection' | 'setStreamProtection'>;
  http: HttpRegistrar;
  config: HlsConfig;
  log: Logger;
}

interface Writable {
  always: boolean | null;
  windowSize: number | null;
  /** undefined: unchanged. */
  protect?: boolean;
}

const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema['type'] as string, 'null'] });
const writableSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    recording: { type: 'object', additionalProperties: false, properties: { always: nullable({ type: 'boolean' }) } },
    hls: { type: 'object', additionalProperties: false, properties: { windowSize: nullable({ type: 'integer', minimum: MIN_WINDOW, maximum: MAX_WINDOW }) } },
    protection: { type: 'object', additionalProperties: false, properties: { protected: { type: 'boolean' } } },
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
        effective: { type: 'boolean', description: 'whether the stream is recorded (now, or at its next publish): the live request, else always, else the config' },
        live: { type: ['boolean', 'null'], description: 'a start/stop request for the current publish (POST/DELETE /api/v1/streams/:app/:name/recording)' },
      },
    },
    hls: {
      type: 'object',
      properties: { windowSize: { type: ['integer', 'null'] }, effectiveWindowSize: { type: 'integer' } },
    },
    protection: {
      type: 'object',
      properties: { protected: { type: 'boolean' }, streamKey: { type: 'string', description: 'the stream key resource protection lives on' } },
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
      recording: { always: s.alwaysRecord(path), effective: d.config.recordings && s.shouldRecord(path), live: s.liveRecording?.(path) ?? null },
      hls: { windowSize, effectiveWindowSize: windowSize ?? d.config.windowSize },
      protection: { protected: d.auth.streamProtection?.(path) ?? !(await d.auth.authorize(anonymous, `stream:${path}`, 'read')), streamKey: `/api/v1/stream-keys/${path}` },
    };
  };

  const apply = async (c: Context, merge: boolean) => {
    const path = pathOf(c);
    const next = parseBody(await c.req.text(), merge ? current(path) : { always: null, windowSize: null });
    // Protection first: it is the change that may be refused (no key), and nothing else is applied then.
    if (next.protect !== undefined) {
      if (!d.auth.setStreamProtection) throw new NotFoundError('the auth provider of this box keeps no per-stream protection');
      const principal = (c.get as (key: string) => unknown)('principal') as Principal | undefined;
      const ip = d.http.remote(c).replace(/:\d+$/, '');
      d.auth.setStreamProtection(path, next.protect, { ...(principal && { principal }), ip });
    }
    store().setAlwaysRecord(path, next.always);
    d.settings.set(path, { windowSize: next.windowSize });
    d.log.info(`settings of ${path}: always record ${String(next.always)}, window ${String(next.windowSize)}${next.protect === undefined ? '' : `, protected ${String(next.protect)}`}`);
    return c.json(await view(path));
  };

  d.http.route('GET', `${SETTINGS_MOUNT}/:app/:name`, async (c) => c.json(await view(pathOf(c))), {
    scope: 'streams:read',
    doc: { summary: "A stream's settings: recording, HLS window, protection", tags: ['streams'], params, responses: ok },
  });
  const body = { schema: writableSchema, required: true };
  d.http.route('PUT', `${SETTINGS_MOUNT}/:app/:name`, (c) => apply(c, false), {
    scope: 'streams:write',
    doc: { summary: "Replace a stream's recording and HLS settings (a missing one is reset to the config's); protection only when sent", tags: ['streams'], params, body, responses: ok },
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
    if (key !== 'recording' && key !== 'hls' && key !== 'protection') throw field(key, top[key], 'is not a setting (recording, hls, protection)');
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
  if (top['protection'] !== undefined) {
    const p = obj(top['protection'], 'protection');
    for (const k of Object.keys(p)) if (k !== 'protected') throw field(`protection.${k}`, p[k], 'is not a setting (protected)');
    if ('protected' in p) {
      if (typeof p['protected'] !== 'boolean') throw field('protection.protected', p['protected'], 'must be true or false');
      out.protect = p['protected'];
    }
  }
  return out;
}

function field(name: string, value: unknown, why: string): ValidationError {
  return new ValidationError(`${name} ${why}, got ${JSON.stringify(value)?.slice(0, 80)}`, { details: { field: name, value } });
}
