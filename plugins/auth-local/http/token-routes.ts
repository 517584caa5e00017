import { ForbiddenError, ValidationError, type HttpRegistrar, type Principal, LIST_QUERY_DOC, listQuery, listResponseSchema, pageOf } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';
import { AUTH_ROUTE_DOCS as DOCS } from './route-docs.js';
import { actorOf, userIdOf } from '../local-auth-provider.js';
import { assertHolds, parseScopes } from '../roles.js';
import { parseTokenName } from '../token-store.js';
import { noStoreJson, principalOf, readJson, requestFacts } from './request-helpers.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 3650;

/**
 * API tokens, admins only (scope `system:admin`):
 *   GET /api/v1/tokens · POST /api/v1/tokens { name, scopes, expiresInDays? } · DELETE /api/v1/tokens/:id (revoke)
 * The JWT is in the POST answer only. A token never gets a scope its creator lacks, and is bound to
 * the user behind the request (a token made with a token is bound to that token's creator): at every
 * use it holds only what that user's role still holds.
 */
export function registerTokenRoutes(http: HttpRegistrar, s: AuthServices): void {
  const scope = { scope: 'system:admin' };

  http.route('GET', '/api/v1/tokens', (c) => c.json(pageOf(s.tokens.list(), listQuery(c.req.query()))), {
    ...scope,
    doc: { summary: 'The API tokens (never their secrets)', tags: ['auth'], query: LIST_QUERY_DOC, responses: { 200: { description: 'a page of tokens', schema: listResponseSchema({ type: 'object' }) } } },
  });

  http.route(
    'POST',
    '/api/v1/tokens',
    async (c) => {
      const body = await readJson(c);
      const p = principalOf(c);
      const name = parseTokenName(body['name']);
      const scopes = parseScopes(body['scopes']);
      assertHolds(p?.scopes ?? [], scopes, 'create this token');
      const creatorUserId = creatorOf(s, p);
      const days = body['expiresInDays'];
      if (days !== undefined && days !== null && (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > MAX_DAYS)) {
        throw new ValidationError(`expiresInDays must be a number of days in (0, ${MAX_DAYS}], or null for no expiry`);
      }
      const expiresAt = typeof days === 'number' ? Date.now() + Math.round(days * DAY_MS) : null;
      const actor = actorOf(p);
      const { token, jwt } = s.tokens.create(name, scopes, actor, creatorUserId, expiresAt);
      s.audit.record({ actor, ip: requestFacts(http, c, s.config.trustProxy).ip, action: 'token.created', detail: { tokenId: token.id, name, scopes, expiresAt: token.expiresAt } });
      return noStoreJson(c, { ...token, token: jwt }, 201);
    },
    { ...scope, doc: DOCS.createToken },
  );

  http.route(
    'DELETE',
    '/api/v1/tokens/:id',
    (c) => {
      const id = c.req.param('id') ?? '';
      const token = s.tokens.require(id);
      if (s.tokens.revoke(id)) {
        s.audit.record({ actor: actorOf(principalOf(c)), ip: requestFacts(http, c, s.config.trustProxy).ip, action: 'token.revoked', detail: { tokenId: id, name: token.name } });
      }
      return c.body(null, 204);
    },
    { ...scope, doc: DOCS.revokeToken },
  );
}

/** The user whose rights bound a new token. */
function creatorOf(s: AuthServices, p: Principal | undefined): number {
  const userId = userIdOf(p);
  if (userId !== undefined) return userId;
  if (p?.kind === 'token' && p.id.startsWith('token:')) {
    const creator = s.tokens.require(p.id.slice('token:'.length)).creatorUserId;
    if (creator !== null) return creator;
  }
  throw new ForbiddenError('only a signed-in user, or a token bound to one, can create API tokens');
}
