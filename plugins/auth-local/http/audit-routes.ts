import { cursorInt, keysetPage, LIST_QUERY_DOC, listQuery, listResponseSchema, ValidationError, type HttpRegistrar } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';

function intParam(name: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new ValidationError(`${name}=${JSON.stringify(v.slice(0, 20))} must be an integer in 1..${max}`);
  return n;
}

/**
 * `GET /api/v1/audit?limit=&cursor=&action=` (scope `system:admin`): the audit log, newest first, in
 * the `{ items, next }` envelope. `before=<id>` (older releases) still starts below an id.
 */
export function registerAuditRoutes(http: HttpRegistrar, s: AuthServices): void {
  http.route(
    'GET',
    '/api/v1/audit',
    (c) => {
      const page = listQuery(c.req.query());
      const limit = page.limit;
      const beforeId = page.cursor ? cursorInt(page.cursor, 'b') : intParam('before', c.req.query('before'), Number.MAX_SAFE_INTEGER);
      const action = c.req.query('action');
      if (action !== undefined && !/^[a-z.-]{1,40}$/.test(action)) throw new ValidationError('action must be an audit action such as login.failed');
      const rows = s.audit.list({ limit: limit + 1, ...(beforeId !== undefined && { beforeId }), ...(action && { action }) });
      return c.json(keysetPage(rows, limit, (e) => ({ b: e.id })));
    },
    {
      scope: 'system:admin',
      doc: {
        summary: 'The audit log (sign-ins, accounts, tokens, keys, plugin changes), newest first',
        tags: ['auth'],
        query: {
          ...LIST_QUERY_DOC,
          action: { type: 'string', pattern: '^[a-z.-]{1,40}$', description: 'only this action, e.g. login.failed' },
          before: { type: 'string', pattern: '^[0-9]+$', description: 'only entries with a smaller id' },
        },
        responses: { 200: { description: 'a page of audit entries', schema: listResponseSchema({ type: 'object' }) } },
      },
    },
  );
}
