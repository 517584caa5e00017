import { ValidationError, type HttpRegistrar } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';
import { AUTH_ROUTE_DOCS as DOCS } from './route-docs.js';
import { MAX_AUDIT_PAGE } from '../audit-log.js';

function intParam(name: string, v: string | undefined, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new ValidationError(`${name}=${JSON.stringify(v.slice(0, 20))} must be an integer in 1..${max}`);
  return n;
}

/** `GET /api/v1/audit?limit=&before=&action=` (scope `system:admin`): the audit log, newest first. */
export function registerAuditRoutes(http: HttpRegistrar, s: AuthServices): void {
  http.route(
    'GET',
    '/api/v1/audit',
    (c) => {
      const limit = intParam('limit', c.req.query('limit'), MAX_AUDIT_PAGE);
      const beforeId = intParam('before', c.req.query('before'), Number.MAX_SAFE_INTEGER);
      const action = c.req.query('action');
      if (action !== undefined && !/^[a-z.-]{1,40}$/.test(action)) throw new ValidationError('action must be an audit action such as login.failed');
      return c.json({ items: s.audit.list({ ...(limit && { limit }), ...(beforeId && { beforeId }), ...(action && { action }) }) });
    },
    { scope: 'system:admin', doc: DOCS.listAudit },
  );
}
