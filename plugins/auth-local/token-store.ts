import { randomBytes } from 'node:crypto';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError, type PluginDatabase, type PluginStatement } from 'xlive/sdk';
import { signJwt, verifyJwt } from './jwt.js';
import { intersectRole, type Role } from './roles.js';

/** The current standing of a token's creator: a token never outlives its creator's rights. */
export type CreatorLookup = (userId: number) => { role: Role; disabled: boolean } | undefined;

/**
 * API tokens: JWTs (HS256) whose `jti` names a row here, so a token can be revoked, can expire, and
 * records when it was last used (written at most once a minute per token). The JWT itself is shown
 * once at creation and never stored.
 */
export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  createdBy: string;
  /** The user whose rights bound this token (null: unknown, the token is refused). */
  creatorUserId: number | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface Row {
  id: string;
  name: string;
  scopes: string;
  created_by: string;
  creator_user_id: number | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export const TOKEN_ISSUER = 'xlive';
export const MAX_TOKENS = 1000;
const LAST_USED_WRITE_MS = 60_000;
const TOKEN_NAME = /^[^\u0000-\u001f\u007f]{1,64}$/;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toToken(r: Row): ApiToken {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes.split(' ').filter(Boolean),
    createdBy: r.created_by,
    creatorUserId: r.creator_user_id,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

export function parseTokenName(v: unknown): string {
  if (typeof v !== 'string' || !TOKEN_NAME.test(v.trim())) throw new ValidationError('a token name is 1-64 printable characters');
  return v.trim();
}

export class TokenStore {
  private readonly byId: PluginStatement;
  private readonly touch: PluginStatement;
  private readonly now: () => number;

  constructor(
    private readonly db: PluginDatabase,
    private readonly key: Uint8Array,
    private readonly creator: CreatorLookup,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
    this.byId = db.prepare('SELECT * FROM auth_local_tokens WHERE id = ?');
    this.touch = db.prepare('UPDATE auth_local_tokens SET last_used_at = ? WHERE id = ?');
  }

  /** Create a token; returns its record and the JWT (shown once). */
  create(name: string, scopes: readonly string[], createdBy: string, creatorUserId: number, expiresAt: number | null): { token: ApiToken; jwt: string } {
    const t = this.now();
    if (expiresAt !== null && expiresAt <= t) throw new ValidationError('a token must expire in the future');
    const id = 'tok_' + randomBytes(12).toString('base64url');
    this.db.transaction(() => {
      const live = (this.db.prepare('SELECT COUNT(*) AS n FROM auth_local_tokens WHERE revoked_at IS NULL').get() as { n: number }).n;
      if (live >= MAX_TOKENS) throw new ConflictError(`this box already has ${MAX_TOKENS} live tokens; revoke some first`);
      this.db
        .prepare('INSERT INTO auth_local_tokens (id, name, scopes, created_by, creator_user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, name, scopes.join(' '), createdBy.slice(0, 200), creatorUserId, t, expiresAt);
    });
    const claims = { iss: TOKEN_ISSUER, jti: id, scope: scopes.join(' '), iat: Math.floor(t / 1000), ...(expiresAt === null ? {} : { exp: Math.floor(expiresAt / 1000) }) };
    return { token: this.require(id), jwt: signJwt(claims, this.key) };
  }

  list(): ApiToken[] {
    return (this.db.prepare('SELECT * FROM auth_local_tokens ORDER BY created_at DESC').all() as Row[]).map(toToken);
  }

  require(id: string): ApiToken {
    const r = this.byId.get(id) as Row | undefined;
    if (!r) throw new NotFoundError(`no API token with id ${JSON.stringify(id.slice(0, 40))}`);
    return toToken(r);
  }

  /** Revoke; false when it was already revoked. */
  revoke(id: string): boolean {
    this.require(id);
    return this.db.prepare('UPDATE auth_local_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.now(), id).changes > 0;
  }

  /** Revoke every live token a user created (the user is being deleted); returns how many. */
  revokeAllBy(userId: number): number {
    return this.db.prepare('UPDATE auth_local_tokens SET revoked_at = ? WHERE creator_user_id = ? AND revoked_at IS NULL').run(this.now(), userId).changes;
  }

  /**
   * Verify a bearer JWT and its row (exists, not revoked, not expired, its creator still exists and is
   * enabled). Scopes are those the claims, the row and the creator's current role all carry. Throws
   * AuthenticationError.
   */
  verify(jwt: string): ApiToken {
    const t = this.now();
    const claims = verifyJwt(jwt, this.key, Math.floor(t / 1000));
    if (claims.iss !== TOKEN_ISSUER || typeof claims.jti !== 'string') throw new AuthenticationError('invalid API token: not issued by this box');
    const r = this.byId.get(claims.jti) as Row | undefined;
    const details = { tokenId: claims.jti.slice(0, 40) };
    if (!r) throw new AuthenticationError('invalid API token: unknown token id', { details });
    if (r.revoked_at !== null) throw new AuthenticationError(`API token "${r.name}" was revoked`, { details });
    if (r.expires_at !== null && r.expires_at <= t) throw new AuthenticationError(`API token "${r.name}" expired`, { details });
    const creator = r.creator_user_id === null ? undefined : this.creator(r.creator_user_id);
    if (!creator) throw new AuthenticationError(`API token "${r.name}": the user who created it no longer exists; create a new token`, { details });
    if (creator.disabled) throw new AuthenticationError(`API token "${r.name}": the user who created it is disabled`, { details });
    if (r.last_used_at === null || t - r.last_used_at >= LAST_USED_WRITE_MS) {
      this.touch.run(t, r.id);
      r.last_used_at = t;
    }
    const token = toToken(r);
    const claimed = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    token.scopes = intersectRole(token.scopes.filter((s) => claimed.includes(s)), creator.role);
    return token;
  }
}
