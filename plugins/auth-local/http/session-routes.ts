import { ForbiddenError, type Context, type HttpRegistrar } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';
import { AUTH_ROUTE_DOCS as DOCS } from './route-docs.js';
import { actorOf, userIdOf } from '../local-auth-provider.js';
import { scopesForRole } from '../roles.js';
import type { UserRecord } from '../user-repository.js';
import {
  clearedSessionCookie,
  CSRF_HEADER,
  noStoreJson,
  principalOf,
  readCookie,
  readJson,
  requestFacts,
  SESSION_COOKIE,
  sessionCookie,
} from './request-helpers.js';

export function userView(u: UserRecord): Record<string, unknown> {
  return { id: u.id, username: u.username, role: u.role, scopes: scopesForRole(u.role), disabled: u.disabled, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

/**
 * First-boot setup and panel sessions:
 *   GET    /api/v1/setup     public        { open, setupCodeRequired }
 *   POST   /api/v1/setup     public        create the first admin (once; `setupCode` when required), logs in
 *   GET    /api/v1/session   public        who am I (+ CSRF token), or { authenticated: false }
 *   POST   /api/v1/session   public        log in → cookie + CSRF token
 *   DELETE /api/v1/session   public        log out (needs the CSRF header when the session is live)
 *   DELETE /api/v1/sessions  system:read   log out everywhere (users only)
 * Setup, login and logout are `sameOrigin`: the core refuses them (403 HOST_NOT_ALLOWED) unless
 * `Host` and `Origin` name this box, so a DNS-rebinding page cannot create the admin or sign in.
 */
export function registerSessionRoutes(http: HttpRegistrar, s: AuthServices): void {
  const facts = (c: Context) => requestFacts(http, c, s.config.trustProxy);
  const ttlSeconds = (expiresAt: number) => Math.round((expiresAt - Date.now()) / 1000);
  const loggedIn = (c: Context, user: UserRecord, session: { id: string; expiresAt: number }, status: 200 | 201) =>
    noStoreJson(
      c,
      { authenticated: true, user: userView(user), csrfToken: s.sessions.csrfTokenFor(session.id), expiresAt: new Date(session.expiresAt).toISOString() },
      status,
      sessionCookie(session.id, ttlSeconds(session.expiresAt), facts(c).secure),
    );

  const browser = { public: true, sameOrigin: true };

  http.route(
    'GET',
    '/api/v1/setup',
    (c) => {
      const open = s.accounts.isSetupOpen();
      return c.json({ open, setupCodeRequired: open && (s.setupCode?.required() ?? false) });
    },
    { public: true, doc: DOCS.getSetup },
  );

  http.route(
    'POST',
    '/api/v1/setup',
    async (c) => {
      const body = await readJson(c);
      const { user, session } = await s.accounts.setup(body['username'], body['password'], facts(c).ip, body['setupCode']);
      return loggedIn(c, user, session, 201);
    },
    { ...browser, doc: DOCS.postSetup },
  );

  http.route(
    'GET',
    '/api/v1/session',
    async (c) => {
      const authz = c.req.header('authorization');
      if (authz) {
        const m = /^Bearer\s+(\S{1,4096})$/i.exec(authz);
        const p = await s.provider.authenticate({ type: 'bearer', token: m?.[1] ?? '', remote: facts(c).ip });
        return noStoreJson(c, { authenticated: true, token: { id: p?.id.slice('token:'.length), name: p?.display, scopes: p?.scopes } });
      }
      const id = readCookie(c, SESSION_COOKIE);
      const session = id ? s.sessions.find(id) : undefined;
      const user = session && s.users.get(session.userId);
      if (!id || !session || !user || user.disabled) return noStoreJson(c, { authenticated: false, setupOpen: s.accounts.isSetupOpen() });
      return noStoreJson(c, { authenticated: true, user: userView(user), csrfToken: s.sessions.csrfTokenFor(id), expiresAt: new Date(session.expiresAt).toISOString() });
    },
    { public: true, doc: DOCS.getSession },
  );

  http.route(
    'POST',
    '/api/v1/session',
    async (c) => {
      const body = await readJson(c);
      const { user, session } = await s.accounts.login(body['username'], body['password'], facts(c).ip);
      return loggedIn(c, user, session, 200);
    },
    { ...browser, doc: DOCS.postSession },
  );

  http.route(
    'DELETE',
    '/api/v1/session',
    (c) => {
      const f = facts(c);
      const id = readCookie(c, SESSION_COOKIE);
      const session = id ? s.sessions.find(id) : undefined;
      if (id && session) {
        const actor = `user:${s.users.get(session.userId)?.username ?? session.userId}`;
        if (!s.sessions.checkCsrf(id, c.req.header(CSRF_HEADER))) {
          s.audit.record({ actor, ip: f.ip, action: 'csrf.refused', detail: { method: 'DELETE', route: '/api/v1/session' } });
          throw new ForbiddenError('logging out needs the X-CSRF-Token header of your session');
        }
        s.sessions.revoke(id);
        s.audit.record({ actor, ip: f.ip, action: 'logout', detail: {} });
      }
      return new Response(null, { status: 204, headers: { 'set-cookie': clearedSessionCookie(f.secure), 'cache-control': 'no-store' } });
    },
    { ...browser, doc: DOCS.deleteSession },
  );

  http.route(
    'DELETE',
    '/api/v1/sessions',
    (c) => {
      const p = principalOf(c);
      const userId = userIdOf(p);
      if (userId === undefined) throw new ForbiddenError('only a signed-in user can log out everywhere (API tokens have no sessions)');
      const f = facts(c);
      const revoked = s.sessions.revokeAllFor(userId);
      s.audit.record({ actor: actorOf(p), ip: f.ip, action: 'logout.everywhere', detail: { sessionsRevoked: revoked } });
      return new Response(JSON.stringify({ revoked }), {
        status: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'set-cookie': clearedSessionCookie(f.secure) },
      });
    },
    { scope: 'system:read', doc: DOCS.deleteSessions },
  );
}
