import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AuthenticationError, AuthUnavailableError, ForbiddenError } from '../errors/xlive-error.js';
import type { Credentials, Principal } from '../sdk/auth.js';
import { AUTH_UNAVAILABLE_MESSAGE, OPEN_PRINCIPAL } from '../auth/auth-registry.js';
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
  /** A provider runs: requests can be decided. */
  readonly available: boolean;
  /** Lab mode with no running provider: open to anyone. */
  readonly open: boolean;
  authenticate(credentials: Credentials): Promise<Principal>;
}

export { OPEN_PRINCIPAL };

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
    if (auth.open) {
      c.set('principal', OPEN_PRINCIPAL);
      return next();
    }
    // Fail closed: a box that cannot decide refuses, with or without credentials.
    if (!auth.available) throw new AuthUnavailableError(AUTH_UNAVAILABLE_MESSAGE);
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

/**
 * The caller of a public route that shows more to some callers (`/readyz` details): their principal
 * when they present valid credentials, undefined when they present none or the box cannot decide.
 * Wrong credentials are refused (401/403 as on a guarded route), so a misconfigured scraper notices.
 */
export async function optionalPrincipal(auth: Authenticator, c: Context, trustProxy: boolean): Promise<Principal | undefined> {
  if (auth.open) return OPEN_PRINCIPAL;
  if (!auth.available) return undefined;
  const creds = credentialsOf(c, trustProxy);
  if (!creds) return undefined;
  const principal = await auth.authenticate(creds);
  return principal.kind === 'anonymous' ? undefined : principal;
}
