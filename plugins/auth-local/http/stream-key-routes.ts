import { ValidationError, type Context, type HttpRegistrar, LIST_QUERY_DOC, listQuery, listResponseSchema, pageOf } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';
import { AUTH_ROUTE_DOCS as DOCS } from './route-docs.js';
import { actorOf } from '../local-auth-provider.js';
import { signPlaybackToken } from '../playback-token.js';
import type { StreamKeyInfo } from '../stream-key-store.js';
import { noStoreJson, optionalBoolean, principalOf, readJson, requestFacts } from './request-helpers.js';

const MAX_PLAYBACK_TTL_S = 30 * 86_400;

/**
 * Stream keys and playback tokens:
 *   GET    /api/v1/stream-keys                       streams:read   configured streams (no keys)
 *   POST   /api/v1/stream-keys { path, protected? }  streams:write  configure a stream → its key, once
 *   POST   /api/v1/stream-keys/:app/:name/rotation   streams:write  new key, once; the old one stops working
 *   PATCH  /api/v1/stream-keys/:app/:name { protected } streams:write
 *   DELETE /api/v1/stream-keys/:app/:name            streams:write  (409 while the stream is protected)
 *   POST   /api/v1/stream-keys/:app/:name/playback-revocation  streams:write  void every playback link, end viewers
 *   POST   /api/v1/playback-tokens { path, ttlSeconds? } streams:read  a signed, expiring `?token=`
 */
export interface StreamKeyRouteDeps {
  /** End the publisher of a path (a rotated key must stop working now). */
  kick(path: string, reason: string): boolean;
  /** End the viewers of a path (protection turned on, links revoked); they come back with a valid link. */
  endViewers(path: string, reason: string): number;
  /** The box's own names and addresses, best first (publish URLs never come from the client's `Host`). */
  boxNames(): readonly string[];
  /** The RTMP listener's real port, when it is up. */
  rtmpPort(): number | undefined;
}

const NO_DEPS: StreamKeyRouteDeps = { kick: () => false, endViewers: () => 0, boxNames: () => ['localhost'], rtmpPort: () => undefined };

export function registerStreamKeyRoutes(http: HttpRegistrar, s: AuthServices, deps: StreamKeyRouteDeps = NO_DEPS): void {
  const read = { scope: 'streams:read' };
  const write = { scope: 'streams:write' };
  const who = (c: Context) => ({ actor: actorOf(principalOf(c)), ip: requestFacts(http, c, s.config.trustProxy).ip });
  const pathOf = (c: Context) => `${c.req.param('app')}/${c.req.param('name')}`;

  /**
   * Where an encoder sends the stream: OBS's "Server" and "Stream key" fields, and the one-URL forms.
   * The host is `rtmpUrl` when configured, else the name the request came to only if it is one of the
   * box's own (a forged `Host` never ends up in a URL), else the box's best own name; the port is the
   * RTMP listener's.
   */
  const publishInfo = (c: Context, info: StreamKeyInfo, key: string) => {
    const names = deps.boxNames();
    const asked = bareHost(c.req.header('host') ?? '');
    const host = names.includes(asked) ? asked : (names[0] ?? 'localhost');
    const base = (s.config.rtmpUrl || `rtmp://${host.includes(':') ? `[${host}]` : host}:${deps.rtmpPort() ?? 1935}`).replace(/\/+$/, '');
    const server = `${base}/${info.app}`;
    return { server, streamKey: key, url: `${server}/${key}`, urlWithQuery: `${server}/${info.name}?key=${key}` };
  };
  const withKey = (c: Context, info: StreamKeyInfo, key: string) => ({ ...info, key, publish: publishInfo(c, info, key) });

  // Each stream with its ingest server (OBS "Server"; never the key), so the panel keeps it in view.
  const listed = (c: Context) => s.streamKeys.list().map((info) => ({ ...info, server: publishInfo(c, info, '').server }));
  http.route('GET', '/api/v1/stream-keys', (c) => c.json({ ...pageOf(listed(c), listQuery(c.req.query())), publishAuth: s.gate.publishAuth }), {
    ...read,
    doc: {
      summary: 'The configured streams (never their keys) with their ingest server, and the publish auth mode',
      tags: ['auth'],
      query: LIST_QUERY_DOC,
      responses: { 200: { description: 'a page of configured streams', schema: listResponseSchema({ type: 'object' }, { publishAuth: { type: 'string' } }) } },
    },
  });

  http.route(
    'POST',
    '/api/v1/stream-keys',
    async (c) => {
      const body = await readJson(c);
      if (typeof body['path'] !== 'string') throw new ValidationError('path must be "<app>/<stream>", e.g. "live/stage"');
      const { info, key } = s.streamKeys.create(body['path'], optionalBoolean(body, 'protected') ?? false);
      const { actor, ip } = who(c);
      s.audit.record({ actor, ip, action: 'key.created', detail: { stream: info.path, fingerprint: info.fingerprint, protected: info.protected } });
      return noStoreJson(c, withKey(c, info, key), 201);
    },
    { ...write, doc: DOCS.createStreamKey },
  );

  http.route(
    'POST',
    '/api/v1/stream-keys/:app/:name/rotation',
    (c) => {
      const { info, key } = s.streamKeys.rotate(pathOf(c));
      const { actor, ip } = who(c);
      s.audit.record({ actor, ip, action: 'key.rotated', detail: { stream: info.path, fingerprint: info.fingerprint } });
      // A leaked key must stop working now: end a publish that is using it.
      deps.kick(info.path, 'stream key rotated');
      return noStoreJson(c, withKey(c, info, key));
    },
    { ...write, doc: DOCS.rotateStreamKey },
  );

  http.route(
    'PATCH',
    '/api/v1/stream-keys/:app/:name',
    async (c) => {
      const body = await readJson(c);
      const value = optionalBoolean(body, 'protected');
      if (value === undefined) throw new ValidationError('send { "protected": true|false }');
      const { actor, ip } = who(c);
      // Viewers who joined while the stream was public hold no link: they are ended; link holders come back.
      const { info } = s.protection.set(pathOf(c), value, { actor, ip });
      return c.json(info);
    },
    { ...write, doc: DOCS.patchStreamKey },
  );

  http.route(
    'DELETE',
    '/api/v1/stream-keys/:app/:name',
    (c) => {
      const path = pathOf(c);
      s.streamKeys.delete(path);
      const { actor, ip } = who(c);
      s.audit.record({ actor, ip, action: 'key.deleted', detail: { stream: path } });
      return c.body(null, 204);
    },
    { ...write, doc: DOCS.deleteStreamKey },
  );

  http.route(
    'POST',
    '/api/v1/stream-keys/:app/:name/playback-revocation',
    (c) => {
      const info = s.streamKeys.revokePlayback(pathOf(c));
      const ended = deps.endViewers(info.path, 'playback links revoked');
      const { actor, ip } = who(c);
      s.audit.record({ actor, ip, action: 'playback-token.revoked', detail: { stream: info.path, epoch: info.playbackEpoch, viewersEnded: ended } });
      return c.json({ ...info, viewersEnded: ended });
    },
    { ...write, doc: DOCS.revokePlayback },
  );

  http.route(
    'POST',
    '/api/v1/playback-tokens',
    async (c) => {
      const body = await readJson(c);
      if (typeof body['path'] !== 'string') throw new ValidationError('path must be "<app>/<stream>"');
      const info = s.streamKeys.require(body['path']);
      const ttl = body['ttlSeconds'] ?? s.config.playbackTokenTtlSeconds;
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 60 || ttl > MAX_PLAYBACK_TTL_S) {
        throw new ValidationError(`ttlSeconds must be an integer in 60..${MAX_PLAYBACK_TTL_S}`);
      }
      const exp = Math.floor(Date.now() / 1000) + ttl;
      const token = signPlaybackToken(s.boxKeys.playback, info.path, exp, info.playbackEpoch);
      const { actor, ip } = who(c);
      s.audit.record({ actor, ip, action: 'playback-token.created', detail: { stream: info.path, expiresAt: new Date(exp * 1000).toISOString() } });
      return noStoreJson(c, { path: info.path, token, query: `token=${token}`, expiresAt: new Date(exp * 1000).toISOString(), protected: info.protected }, 201);
    },
    { ...read, doc: DOCS.createPlaybackToken },
  );
}

/** A `Host` header value as a bare, lower-case host (port and IPv6 brackets dropped). */
function bareHost(value: string): string {
  const v = value.trim().toLowerCase();
  if (v.startsWith('[')) return v.slice(1, Math.max(1, v.indexOf(']')));
  return v.replace(/:\d*$/, '');
}
