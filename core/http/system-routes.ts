import { ValidationError } from '../errors/xlive-error.js';
import type { LogEntry, LogQuery } from '../logging/log-ring.js';
import { cursorInt, keysetPage, LIST_QUERY_DOC, listQuery, listResponseSchema } from '../sdk/list-page.js';
import { clientIp } from './client-ip.js';
import type { SecuredRouter } from './secured-router.js';
import type { Context } from 'hono';

type Who = { actor: string; ip: string };

export interface SystemRouteDeps {
  logs: { query(q: LogQuery): LogEntry[] };
  system: {
    restart(who: Who, reason?: string): void;
    backup(who: Who): Promise<{ archive: Buffer; manifest: { createdAt: string; entries: unknown[] } }>;
    restore(archive: Buffer, who: Who): object;
  };
  trustProxy: boolean;
}

export const RESTORE_PATH = '/api/v1/system/restore';

const LOG_ENTRY = {
  type: 'object',
  required: ['seq', 'time', 'level', 'source', 'scope', 'msg'],
  properties: {
    seq: { type: 'integer' },
    time: { type: 'string', format: 'date-time' },
    level: { type: 'string', enum: ['debug', 'info', 'warn', 'error'] },
    source: { type: 'string', description: '"core", a plugin id, or the core part (http, db…)' },
    scope: { type: 'string' },
    msg: { type: 'string', description: 'the line, secrets redacted' },
  },
};
const GZIP = { contentType: 'application/gzip', schema: { type: 'string', contentEncoding: 'binary', description: 'an xlive backup archive (tar.gz, manifest.json first)' } };
const RESTART_BODY = { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 200 } } };

/** `/api/v1/logs` and `/api/v1/system/{restart,backup,restore}`. */
export function registerSystemRoutes(r: SecuredRouter, deps: SystemRouteDeps): void {
  const who = (c: Context): Who => {
    const p = c.get('principal') as { kind: string; id: string; display?: string } | undefined;
    return { actor: p ? `${p.kind}:${p.display ?? p.id}` : 'unknown', ip: clientIp(c, deps.trustProxy) };
  };

  r.add(
    'core',
    'GET',
    '/api/v1/logs',
    {
      scope: 'system:read',
      doc: {
        summary: 'Recent log lines (newest first) from the in-memory ring, secrets redacted',
        tags: ['system'],
        query: {
          ...LIST_QUERY_DOC,
          level: { type: 'string', enum: ['debug', 'info', 'warn', 'error'], description: 'this level and above' },
          since: { type: 'string', format: 'date-time', description: 'lines at or after this time' },
          plugin: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'lines of this plugin (or core part: http, db, plugins…)' },
        },
        responses: { 200: { description: 'a page of log lines', schema: listResponseSchema(LOG_ENTRY) } },
      },
    },
    (c) => {
      const q = c.req.query();
      const page = listQuery(q);
      const query: LogQuery = { limit: page.limit + 1 };
      if (q['level'] !== undefined) {
        if (!['debug', 'info', 'warn', 'error'].includes(q['level'])) throw new ValidationError(`level=${JSON.stringify(q['level'].slice(0, 20))} must be one of debug, info, warn, error`, { details: { field: 'level' } });
        query.level = q['level'] as LogQuery['level'] & string;
      }
      if (q['since'] !== undefined) {
        if (Number.isNaN(Date.parse(q['since']))) throw new ValidationError(`since=${JSON.stringify(q['since'].slice(0, 40))} is not an ISO date`, { details: { field: 'since' } });
        query.since = new Date(q['since']).toISOString();
      }
      if (q['plugin'] !== undefined) {
        if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(q['plugin'])) throw new ValidationError(`plugin=${JSON.stringify(q['plugin'].slice(0, 40))} is not a plugin id`, { details: { field: 'plugin' } });
        query.source = q['plugin'];
      }
      if (page.cursor) query.beforeSeq = cursorInt(page.cursor, 'b');
      return c.json(keysetPage(deps.logs.query(query), page.limit, (e) => ({ b: e.seq })));
    },
  );

  r.add(
    'core',
    'POST',
    '/api/v1/system/restart',
    {
      scope: 'system:admin',
      doc: {
        summary: 'Restart the service in place (answers 202 first; the box is back within seconds, state intact)',
        tags: ['system'],
        body: { schema: RESTART_BODY, required: false },
        responses: { 202: { description: 'the restart is under way', schema: { type: 'object', properties: { restarting: { const: true }, requestedBy: { type: 'string' } } } } },
      },
    },
    async (c) => {
      let reason: string | undefined;
      const text = await c.req.text();
      if (text.trim() !== '') {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new ValidationError('the body must be JSON: { "reason"?: string }');
        }
        const rsn = (body as { reason?: unknown } | null)?.reason;
        if (typeof body !== 'object' || body === null || Array.isArray(body) || (rsn !== undefined && (typeof rsn !== 'string' || rsn.length > 200))) {
          throw new ValidationError('the body must be { "reason"?: string of at most 200 characters }', { details: { field: 'reason' } });
        }
        reason = rsn as string | undefined;
      }
      const w = who(c);
      deps.system.restart(w, reason);
      return c.json({ restarting: true, requestedBy: w.actor }, 202);
    },
  );

  r.add(
    'core',
    'GET',
    '/api/v1/system/backup',
    {
      scope: 'system:admin',
      doc: {
        summary: 'Download a backup: databases, config files, the secrets tokens and playback links depend on, external plugins',
        tags: ['system'],
        responses: { 200: { description: 'the archive (tar.gz with manifest.json first)', ...GZIP } },
      },
    },
    async (c) => {
      const { archive, manifest } = await deps.system.backup(who(c));
      const stamp = manifest.createdAt.replace(/[:.]/g, '-');
      return new Response(new Uint8Array(archive.buffer, archive.byteOffset, archive.length), {
        status: 200,
        headers: {
          'content-type': 'application/gzip',
          'content-length': String(archive.length),
          'content-disposition': `attachment; filename="xlive-backup-${stamp}.tar.gz"`,
          'cache-control': 'no-store',
        },
      });
    },
  );

  r.add(
    'core',
    'POST',
    RESTORE_PATH,
    {
      scope: 'system:admin',
      doc: {
        summary: 'Restore a backup: validated completely (format, version, every checksum, paths) before anything is replaced, then the box restarts',
        tags: ['system'],
        body: { ...GZIP, required: true },
        responses: { 202: { description: 'valid; the box restarts into the restored state', schema: { type: 'object', properties: { restoring: { const: true } } } } },
      },
    },
    async (c) => {
      const archive = Buffer.from(await c.req.arrayBuffer());
      if (archive.length === 0) throw new ValidationError('send the backup archive as the request body (Content-Type: application/gzip)');
      const summary = deps.system.restore(archive, who(c));
      return c.json({ restoring: true, ...summary }, 202);
    },
  );
}
