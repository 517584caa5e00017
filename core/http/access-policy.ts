import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AuthenticationError, ForbiddenError } from '../errors/xlive-error.js';
import type { Credentials, Principal } from '../sdk/auth.js';
import { API_SCOPES } from '../sdk/auth.js';
import type { RouteOptions } from '../sdk/http.js';
import { clientIp } from './client-ip.js';
import type { HostCheck } from './host-check.js';

export type AccessPolicy = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'scope'; scope: string };

export const SESSION_COOKIE = 'xlive_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Every route of the app with its policy: what the route-enumerating test checks against. */
export class PolicyTable {
  readonly entries: Array<{ method: string; path: string; policy: AccessPolicy; owner: string }> = [];

  add(method: string, path: string, policy: AccessPolicy, owner: string): void {
    this.entries.push({ method: method.toUpperCase(), path, policy, owner });
  }

  find(method: string, path: string): AccessPolicy | undefined {
    return this.entries.find((e) => e.method === method.toUpperCase() && e.path === path)?.policy;
  }
}

export function policyOf(options: RouteOptions): AccessPolicy {
  if (options.public) return { kind: 'public' };
  if (options.scope) return { kind: 'scope', scope: options.scope };
  return { kind: 'authenticated' };
}

/** The slice of the auth registry the guard calls. */
export interface Authenticator {
  readonly hasProviders: boolean;
  authenticate(credentials: Credentials): Promise<Principal>;
}

/** With no auth plugin the box is open: callers act with every scope (a lab set-up; logged at start). */
export const OPEN_PRINCIPAL: Principal = Object.freeze({ id: 'open', kind: 'anonymous', scopes: API_SCOPES, display: 'open access (no auth plugin)' });

/** What the request presents: a bearer token, or a session cookie (with its CSRF header). */
export function credentialsOf(c: Context, trustProxy: boolean): Credentials | undefined {
  const remote = clientIp(c, trustProxy);
  const authz = c.req.header('authorization');
  if (authz) {
    const m = /^Bearer\s+(\S{1,4096})$/i.exec(authz);
    if (!m) throw new AuthenticationError('the Authorization header must be "Bearer <token>"');
    return { type: 'bearer', token: m[1]!, remote };
  }
  const session = getCookie(c, SESSION_COOKIE);
  if (session) return { type: 'session', sessionId: session, method: c.req.method, csrfToken: c.req.header(CSRF_HEADER), remote };
  return undefined;
}

/**
 * Middleware enforcing one route's policy; sets `principal` for the handler. A session cookie (what a
 * browser sends by itself) is only taken when `Host`/`Origin` name this box (`hostCheck`).
 */
export function accessGuard(auth: Authenticator, policy: AccessPolicy, trustProxy: boolean, hostCheck?: Pick<HostCheck, 'assert'>): MiddlewareHandler {
  return async (c, next) => {
    if (policy.kind === 'public') return next();
    if (!auth.hasProviders) {
      c.set('principal', OPEN_PRINCIPAL);
      return next();
    }
    const creds = credentialsOf(c, trustProxy);
    if (!creds) throw new AuthenticationError('authentication required: send "Authorization: Bearer <token>" or log in');
    if (creds.type === 'session') hostCheck?.assert(c);
    const principal = await auth.authenticate(creds);
    if (principal.kind === 'anonymous') throw new AuthenticationError('authentication required');
    if (policy.kind === 'scope' && !principal.scopes.includes(policy.scope)) {
      throw new ForbiddenError(`this needs the "${policy.scope}" scope, which ${principal.display ?? principal.id} does not have`, {
        details: { requiredScope: policy.scope },
      });
    }
    c.set('principal', principal);
    return next();
  };
}
