/**
 * Recordings under `/api/v1/recordings` (the plugin serves them: it makes them and plays them back):
 *   GET    /api/v1/recordings?stream=&from=&to=&limit=&cursor=   recordings:read   `{ items, next }`
 *   GET    /api/v1/recordings/:id                                  recordings:read   details + its segments
 *   DELETE /api/v1/recordings/:id                                  recordings:write
 *   GET    /api/v1/recordings/:id/download                         recordings:read   one .ts, `Range` aware
 *   POST   /api/v1/recordings/:id/links { ttlSeconds? }            recordings:read   signed, expiring URLs
 * Signed links are served by `recording-links.ts` under `/hls/links/<id>/…`.
 */
import { ConflictError, NotFoundError, ValidationError, type AuthApi, type Context, type HttpRegistrar, type Logger, type RecordingInfo, type RecordingStore, type StorageProvider } from 'xlive/sdk';
import { doc } from './recordings-api-doc.js';
import type { HlsStreams } from './hls-streams.js';
import { recordingStoreOf, recordingView, type RecordingView } from './recording-access.js';
import { sendRecording } from './recording-download.js';
import { parseRecordingQuery, pageOf } from './recording-query.js';
import { baseName, isRecordingId } from './segment-name.js';

export const API_MOUNT = '/api/v1/recordings';
export const LINKS_MOUNT = '/hls/links';
const DEFAULT_LINK_TTL_S = 3600;
const MAX_LINK_TTL_S = 7 * 86_400;

export interface RecordingsApiDeps {
  hls: Pick<HlsStreams, 'storage'>;
  http: HttpRegistrar;
  auth: Pick<AuthApi, 'signLink'>;
  log: Logger;
  now?: () => number;
}

export interface Store {
  provider: StorageProvider;
  recordings: RecordingStore;
}

export function storeOf(hls: Pick<HlsStreams, 'storage'>): Store {
  const provider = hls.storage;
  const recordings = recordingStoreOf(provider);
  if (!provider || !recordings) throw new NotFoundError('this box keeps no recordings (the storage provider has no recording store)');
  return { provider, recordings };
}

/** The recording `id` with its info and segments; NotFoundError for a malformed or unknown id. */
export async function findRecording(store: Store, id: string | undefined): Promise<{ info: RecordingInfo; view: RecordingView }> {
  if (id === undefined || !isRecordingId(id)) throw new NotFoundError(`no recording ${JSON.stringify(String(id).slice(0, 80))}`);
  const raw = await store.recordings.getRecording(id);
  if (!raw) throw new NotFoundError(`no recording ${id}`, { details: { recordingId: id } });
  return { info: raw.info, view: recordingView(id, raw) };
}

/** The resource a signed link to a recording names (its stream's revocation epoch binds it). */
export function linkResource(stream: string, id: string): string {
  return `recording:${stream}/${id}`;
}

/** What the API shows of a recording. */
export function recordingItem(r: RecordingInfo): Record<string, unknown> {
  return {
    id: r.id,
    stream: r.stream,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    active: r.endedAt === null,
    segments: r.segments,
    bytes: r.bytes,
    durationMs: r.durationMs,
    playlistUrl: `/hls/recordings/${r.id}/index.m3u8`,
    downloadUrl: `${API_MOUNT}/${r.id}/download`,
  };
}

export function registerRecordingsApi(d: RecordingsApiDeps): void {
  const now = d.now ?? Date.now;
  const read = { scope: 'recordings:read' } as const;

  d.http.route(
    'GET',
    API_MOUNT,
    async (c) => {
      const q = parseRecordingQuery(c.req.query());
      const all = await storeOf(d.hls).recordings.listRecordings(q.stream);
      const page = pageOf(all, q, now());
      return c.json({ items: page.items.map(recordingItem), next: page.next }, 200, { 'Cache-Control': 'no-store' });
    },
    { ...read, doc: doc.list },
  );

  d.http.route(
    'GET',
    `${API_MOUNT}/:id`,
    async (c) => {
      const { info, view } = await findRecording(storeOf(d.hls), c.req.param('id'));
      const parts = view.segments.map((s) => ({ file: baseName(s.key), seq: s.seq, durationMs: s.durationMs, bytes: s.bytes, discontinuity: s.discontinuity }));
      return c.json({ ...recordingItem(info), parts }, 200, { 'Cache-Control': 'no-store' });
    },
    { ...read, doc: doc.get },
  );

  d.http.route(
    'DELETE',
    `${API_MOUNT}/:id`,
    async (c) => {
      const store = storeOf(d.hls);
      const { info } = await findRecording(store, c.req.param('id'));
      if (info.endedAt === null) {
        throw new ConflictError(`recording ${info.id} of ${info.stream} is still running; stop it first (DELETE /api/v1/streams/${info.stream}/recording)`, {
          details: { recordingId: info.id, stream: info.stream },
        });
      }
      await store.recordings.deleteRecording(info.id);
      d.log.info(`recording ${info.id} of ${info.stream} deleted through the api`);
      return c.body(null, 204);
    },
    { scope: 'recordings:write', doc: doc.delete },
  );

  d.http.route(
    'GET',
    `${API_MOUNT}/:id/download`,
    async (c) => {
      const store = storeOf(d.hls);
      const { view } = await findRecording(store, c.req.param('id'));
      return sendRecording({ http: d.http, provider: store.provider, log: d.log }, c, view);
    },
    { ...read, doc: doc.download },
  );

  d.http.route(
    'POST',
    `${API_MOUNT}/:id/links`,
    async (c) => {
      const ttl = await linkTtl(c);
      const { info } = await findRecording(storeOf(d.hls), c.req.param('id'));
      if (!d.auth.signLink) throw new NotFoundError('this box cannot sign links (its auth provider does not offer them)');
      const { token, expiresAt } = d.auth.signLink(linkResource(info.stream, info.id), ttl);
      const q = `token=${encodeURIComponent(token)}`;
      d.log.info(`signed link to recording ${info.id} of ${info.stream} until ${expiresAt}`);
      return c.json(
        {
          recordingId: info.id,
          expiresAt,
          token,
          url: `${LINKS_MOUNT}/${info.id}/download?${q}`,
          playlistUrl: `${LINKS_MOUNT}/${info.id}/index.m3u8?${q}`,
        },
        201,
        { 'Cache-Control': 'no-store' },
      );
    },
    { ...read, doc: doc.links },
  );
}

async function linkTtl(c: Context): Promise<number> {
  const text = await c.req.text();
  if (text.trim() === '') return DEFAULT_LINK_TTL_S;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('the body must be JSON: { "ttlSeconds": 60..604800 } (or empty for one hour)');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('the body must be a JSON object { "ttlSeconds": … }');
  const extra = Object.keys(body).filter((k) => k !== 'ttlSeconds');
  if (extra.length > 0) throw new ValidationError(`unknown field ${JSON.stringify(extra[0])}; only ttlSeconds may be sent`, { details: { field: extra[0] } });
  const ttl = (body as { ttlSeconds?: unknown }).ttlSeconds ?? DEFAULT_LINK_TTL_S;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_LINK_TTL_S) {
    throw new ValidationError(`ttlSeconds must be an integer from 60 to ${MAX_LINK_TTL_S}, got ${JSON.stringify(ttl)}`, { details: { field: 'ttlSeconds', value: ttl } });
  }
  return ttl;
}
