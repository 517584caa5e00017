/**
 * Signed links to a recording, for a player or `curl` without a session (public routes):
 *   GET /hls/links/<id>/download?token=…     the recording as one .ts (Range aware)
 *   GET /hls/links/<id>/index.m3u8?token=…   its VOD playlist; segment URIs carry the token
 *   GET /hls/links/<id>/<segment>?token=…
 * The token (from `POST /api/v1/recordings/<id>/links`) is checked by the auth provider against
 * `recording:<stream>/<id>`: a token for another recording, a forged, expired or revoked one is
 * refused with 403, and so is an unknown id (no answer tells which recordings exist).
 */
import { ForbiddenError, NotFoundError, ValidationError, type AuthApi, type Context, type HttpRegistrar, type JsonSchema, type Logger, type RouteOptions } from 'xlive/sdk';
import type { HlsStreams } from './hls-streams.js';
import { sendRecording } from './recording-download.js';
import { recordingPlaylistHandler, recordingSegmentHandler, type RecordingGate } from './recording-routes.js';
import { findRecording, linkResource, LINKS_MOUNT, storeOf } from './recordings-api.js';
import { RECORDING_ID_SCHEMA, SEGMENT_FILE_SCHEMA } from './recordings-api-doc.js';

const MAX_TOKEN = 512;

export interface RecordingLinkDeps {
  hls: Pick<HlsStreams, 'storage'>;
  http: HttpRegistrar;
  auth: Pick<AuthApi, 'verifyLink'>;
  log: Logger;
}

function tokenOf(c: Context): string {
  const token = c.req.query('token');
  if (token === undefined || token === '') throw new ValidationError('this link needs its ?token= (make one with POST /api/v1/recordings/<id>/links)');
  return token;
}

export function registerRecordingLinks(d: RecordingLinkDeps): void {
  const gate: RecordingGate = async (c, store, id) => {
    const token = tokenOf(c);
    const refused = () => new ForbiddenError('this recording link is invalid, expired or revoked');
    let found;
    try {
      found = await findRecording(store, id);
    } catch (err) {
      if (err instanceof NotFoundError) throw refused();
      throw err;
    }
    if (token.length > MAX_TOKEN || !d.auth.verifyLink?.(linkResource(found.info.stream, found.info.id), token)) {
      d.log.debug(`refused a link to recording ${found.info.id}`);
      throw refused();
    }
    return found.view;
  };
  const opts = (summary: string, extra: Record<string, JsonSchema> = {}): RouteOptions => ({
      public: true,
      media: true,
      doc: {
        summary,
        tags: ['recordings'],
        params: { id: RECORDING_ID_SCHEMA, ...extra },
        query: { token: { type: 'string', maxLength: MAX_TOKEN, required: true, description: 'from POST /api/v1/recordings/{id}/links' } },
      },
    });
  const tokenQuery = (c: Context) => `token=${encodeURIComponent(tokenOf(c))}`;

  d.http.route(
    'GET',
    `${LINKS_MOUNT}/:id/download`,
    async (c) => {
      const store = storeOf(d.hls);
      const rec = await gate(c, store, c.req.param('id'));
      return sendRecording({ http: d.http, provider: store.provider, log: d.log }, c, rec);
    },
    opts('Download a recording through a signed link (Range aware)'),
  );
  d.http.route('GET', `${LINKS_MOUNT}/:id/index.m3u8`, recordingPlaylistHandler(d, gate, tokenQuery), opts('VOD playlist of a recording through a signed link'));
  d.http.route(
    'GET',
    `${LINKS_MOUNT}/:id/:file`,
    recordingSegmentHandler(d, gate),
    opts('A recorded segment through a signed link', { file: SEGMENT_FILE_SCHEMA }),
  );
}
