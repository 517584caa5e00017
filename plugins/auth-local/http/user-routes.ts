import { ConflictError, ValidationError, type Context, type HttpRegistrar, LIST_QUERY_DOC, listQuery, listResponseSchema, pageOf } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';
import { AUTH_ROUTE_DOCS as DOCS } from './route-docs.js';
import { actorOf, userIdOf } from '../local-auth-provider.js';
import { parseRole, type Role } from '../roles.js';
import { optionalBoolean, parseId, principalOf, readJson, requestFacts } from './request-helpers.js';
import { userView } from './session-routes.js';

/**
 * User management, admins only (scope `users:admin`):
 *   GET /api/v1/users · POST /api/v1/users · GET|PATCH|DELETE /api/v1/users/:id
 * Changing a user's role, password or disabled flag ends their sessions; the last active admin can be
 * neither removed, disabled nor demoted. Nobody creates, changes or deletes a user whose role holds
 * scopes the caller lacks (403 SCOPE_NOT_HELD). Nobody deletes their own account (409: another admin
 * does it), so a slip in the panel cannot lock its user out.
 */
export function registerUserRoutes(http: HttpRegistrar, s: AuthServices): void {
  const scope = { scope: 'users:admin' };
  const who = (c: Context) => ({ actor: actorOf(principalOf(c)), ip: requestFacts(http, c, s.config.trustProxy).ip, scopes: principalOf(c)?.scopes ?? [] });

  http.route('GET', '/api/v1/users', (c) => c.json(pageOf(s.users.list().map(userView), listQuery(c.req.query()))), {
    ...scope,
    doc: { summary: 'The user accounts', tags: ['auth'], query: LIST_QUERY_DOC, responses: { 200: { description: 'a page of users', schema: listResponseSchema({ type: 'object' }) } } },
  });

  http.route(
    'POST',
    '/api/v1/users',
    async (c) => {
      const body = await readJson(c);
      const { actor, ip, scopes } = who(c);
      const user = await s.accounts.createUser(actor, ip, { username: body['username'], password: body['password'], role: parseRole(body['role'] ?? 'viewer') }, scopes);
      return c.json(userView(user), 201);
    },
    { ...scope, doc: DOCS.createUser },
  );

  http.route('GET', '/api/v1/users/:id', (c) => c.json(userView(s.users.require(parseId(c.req.param('id'), 'user id')))), { ...scope, doc: DOCS.getUser });

  http.route(
    'PATCH',
    '/api/v1/users/:id',
    async (c) => {
      const id = parseId(c.req.param('id'), 'user id');
      const body = await readJson(c);
      const unknown = Object.keys(body).filter((k) => !['role', 'password', 'disabled'].includes(k));
      if (unknown.length > 0) throw new ValidationError(`unknown field(s): ${unknown.join(', ')}; a user has role, password, disabled`);
      const change: { role?: Role; password?: unknown; disabled?: boolean } = {};
      if (body['role'] !== undefined) change.role = parseRole(body['role']);
      if (body['password'] !== undefined) change.password = body['password'];
      const disabled = optionalBoolean(body, 'disabled');
      if (disabled !== undefined) change.disabled = disabled;
      const { actor, ip, scopes } = who(c);
      return c.json(userView(await s.accounts.updateUser(actor, ip, id, change, scopes)));
    },
    { ...scope, doc: DOCS.patchUser },
  );

  http.route(
    'DELETE',
    '/api/v1/users/:id',
    (c) => {
      const { actor, ip, scopes } = who(c);
      const id = parseId(c.req.param('id'), 'user id');
      if (userIdOf(principalOf(c)) === id) throw new ConflictError('you cannot delete your own account; another admin can');
      s.accounts.deleteUser(actor, ip, id, scopes);
      return c.body(null, 204);
    },
    { ...scope, doc: DOCS.deleteUser },
  );
}
