/**
 * Start and stop recording a live stream now, without a restart:
 *   POST   /api/v1/streams/:app/:name/recording   recordings:write
 *   DELETE /api/v1/streams/:app/:name/recording   recordings:write
 * The core owns `/api/v1/streams`, so these are core routes; they ask the default storage provider's
 * RecordingStore (`setLiveRecording`), which the HLS muxer consults at every segment: the recording
 * begins with the segment that finishes next and ends after the last one before the stop. The answer
 * waits (bounded) for that to happen, so it can name the recording; past the wait it is 202.
 * The request lasts for the current publish only; "always record" is a stream setting
 * (`/api/v1/stream-settings/:app/:name`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'hono';
import { ConflictError, StreamNotFoundError } from '../errors/xlive-error.js';
import type { EventInit } from '../sdk/events.js';
import type { RouteDoc } from '../sdk/http.js';
import type { RecordingInfo, RecordingStore } from '../sdk/storage.js';
import type { StreamApi } from '../sdk/streams.js';
import type { SecuredRouter } from './secured-router.js';

export interface RecordingControlDeps {
  streams: Pick<StreamApi, 'get' | 'parsePath'>;
  /** The default storage provider's recording store, if it keeps recordings. */
  recordings(): RecordingStore | undefined;
  /** The box's event log: `recording.requested` / `recording.stop-requested` with who asked. */
  events?: { record(source: string, init: EventInit): unknown };
  /** How long an answer waits for the recording to start or end (default 10 s). */
  waitMs?: number;
  pollMs?: number;
}

const SEGMENT = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,128}$' };
const answer = {
  type: 'object',
  required: ['stream', 'recording', 'recordingId'],
  properties: {
    stream: { type: 'string' },
    recording: { type: 'boolean', description: 'whether the stream is now being recorded' },
    recordingId: { type: ['string', 'null'], description: 'the recording started or stopped; null when not known yet (202) or there was none' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const tags = ['recordings'];
const params = { app: SEGMENT, name: SEGMENT };
const START_DOC: RouteDoc = {
  summary: 'Start recording a live stream now (for this publish)',
  description: 'The recording begins with the next HLS segment. 201 names it; 202 if it did not begin within the wait. 404 when the stream is not being published.',
  tags,
  params,
  responses: { 200: { description: 'already recording', schema: answer }, 201: { description: 'recording started', schema: answer }, 202: { description: 'recording requested, not begun yet', schema: answer } },
};
const STOP_DOC: RouteDoc = {
  summary: 'Stop recording a live stream now (for this publish)',
  description: 'The recording ends after its last finished segment and is finalized (VOD playlist with ENDLIST).',
  tags,
  params,
  responses: { 200: { description: 'stopped (recordingId null: nothing was recording)', schema: answer }, 202: { description: 'stop requested, not finalized yet', schema: answer } },
};

export function registerRecordingControlRoutes(r: SecuredRouter, d: RecordingControlDeps): void {
  const waitMs = d.waitMs ?? 10_000;
  const pollMs = d.pollMs ?? 100;
  const target = (c: Context) => {
    const { path } = d.streams.parsePath(`${c.req.param('app')}/${c.req.param('name')}`);
    if (!d.streams.get(path)?.publisher) throw new StreamNotFoundError(`stream ${path} is not being published`, { details: { path } });
    const store = d.recordings();
    if (!store?.setLiveRecording) throw new ConflictError('the storage provider of this box cannot start recordings on request');
    return { path, store: store as RecordingStore & Required<Pick<RecordingStore, 'setLiveRecording'>> };
  };
  const active = async (store: RecordingStore, path: string): Promise<RecordingInfo | undefined> =>
    (await store.listRecordings(path)).find((x) => x.stream === path && x.endedAt === null);
  const poll = async <T>(probe: () => Promise<T | undefined>): Promise<T | undefined> => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined || Date.now() >= deadline) return v;
      await sleep(pollMs);
    }
  };

  const note = (c: Context, type: string, path: string, message: string) => {
    const p = c.get('principal');
    const by = p ? `${p.kind}:${p.display ?? p.id}` : 'unknown';
    d.events?.record('core', { type, stream: path, message: `${message} (by ${by})`, data: { by } });
  };

  r.add('core', 'POST', '/api/v1/streams/:app/:name/recording', { scope: 'recordings:write', doc: START_DOC }, async (c) => {
    const { path, store } = target(c);
    const running = await active(store, path);
    store.setLiveRecording(path, true);
    note(c, 'recording.requested', path, `recording of ${path} requested`);
    if (running) return c.json({ stream: path, recording: true, recordingId: running.id, startedAt: running.startedAt }, 200);
    const started = await poll(() => active(store, path));
    if (!started) return c.json({ stream: path, recording: true, recordingId: null }, 202);
    return c.json({ stream: path, recording: true, recordingId: started.id, startedAt: started.startedAt }, 201, { Location: `/api/v1/recordings/${started.id}` });
  });

  r.add('core', 'DELETE', '/api/v1/streams/:app/:name/recording', { scope: 'recordings:write', doc: STOP_DOC }, async (c) => {
    const { path, store } = target(c);
    const running = await active(store, path);
    store.setLiveRecording(path, false);
    note(c, 'recording.stop-requested', path, `stop of the recording of ${path} requested`);
    if (!running) return c.json({ stream: path, recording: false, recordingId: null }, 200);
    const ended = await poll(async () => {
      const info = (await store.getRecording(running.id))?.info;
      return info?.endedAt ? info : undefined;
    });
    if (!ended) return c.json({ stream: path, recording: false, recordingId: running.id, endedAt: null }, 202);
    return c.json({ stream: path, recording: false, recordingId: ended.id, startedAt: ended.startedAt, endedAt: ended.endedAt }, 200);
  });
}
