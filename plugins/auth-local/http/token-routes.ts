import { ForbiddenError, ValidationError, type HttpRegistrar } from 'xlive/sdk';
import type { AuthServices } from '../auth-services.js';
import { actorOf } from '../local-auth-provider.js';
import { parseScopes } from '../roles.js';
import { parseTokenName } from '../token-store.js';
import { noStoreJson, principalOf, readJson, requestFacts } from './request-helpers.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 3650;

/**
 * API tokens, admins only (scope `system:admin`):
 *   GET /api/v1/tokens · POST /api/v1/tokens { name, scopes, expiresInDays? } · DELETE /api/v1/tokens/:id (revoke)
 * The JWT is in the POST answer only. A token never gets a scope its creator lacks.
 */
export function registerTokenRoutes(http: HttpRegistrar, s: AuthServices): void {
  const scope = { scope: 'system:admin' };

  http.route('GET', '/api/v1/tokens', (c) => c.json({ items: s.tokens.list() }), scope);

  http.route(
    'POST',
    '/api/v1/tokens',
    async (c) => {
      const body = await readJson(c);
      const p = principalOf(c);
      const name = parseTokenName(body['name']);
      const scopes = parseScopes(body['scopes']);
      const missing = scopes.filter((x) => !p?.scopes.includes(x));
      if (missing.length > 0) throw new ForbiddenError(`you cannot grant scopes you do not have: ${missing.join(', ')}`);
      const days = body['expiresInDays'];
      if (days !== undefined && days !== null && (typeof days !== 'number' || !Number.isFinite(days) || days <= 0 || days > MAX_DAYS)) {
        throw new ValidationError(`expiresInDays must be a number of days in (0, ${MAX_DAYS}], or null for no expiry`);
      }
      const expiresAt = typeof days === 'number' ? Date.now() + Math.round(days * DAY_MS) : null;
      const actor = actorOf(p);
      const { token, jwt } = s.tokens.create(name, scopes, actor, expiresAt);
      s.audit.record({ actor, ip: requestFacts(http, c, s.config.trustProxy).ip, action: 'token.created', detail: { tokenId: token.id, name, scopes, expiresAt: token.expiresAt } });
      return noStoreJson(c, { ...token, token: jwt }, 201);
    },
    scope,
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
    scope,
  );
}
