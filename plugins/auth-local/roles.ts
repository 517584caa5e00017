import { API_SCOPES, ScopeNotHeldError, ValidationError } from 'xlive/sdk';

/** Account roles and the API scopes each expands to. */
export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const READ_ONLY = ['streams:read', 'recordings:read', 'system:read', 'metrics:read'] as const;

const SCOPES_BY_ROLE: Readonly<Record<Role, readonly string[]>> = Object.freeze({
  /** Everything, including users, tokens and plugins. */
  admin: Object.freeze([...API_SCOPES]),
  /** Runs streams and recordings; cannot manage users, tokens or plugins. */
  operator: Object.freeze(['streams:read', 'streams:write', 'recordings:read', 'recordings:write', 'system:read', 'metrics:read']),
  /** The read-only dashboard. */
  viewer: Object.freeze([...READ_ONLY]),
});

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function scopesForRole(role: Role): readonly string[] {
  return SCOPES_BY_ROLE[role];
}

export function parseRole(v: unknown): Role {
  if (!isRole(v)) throw new ValidationError(`role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

/** Validate a list of API scopes (tokens). Unknown or duplicate scopes are a ValidationError. */
export function parseScopes(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > API_SCOPES.length) {
    throw new ValidationError(`scopes must be a non-empty array of: ${API_SCOPES.join(', ')}`);
  }
  const out: string[] = [];
  for (const s of v) {
    if (typeof s !== 'string' || !(API_SCOPES as readonly string[]).includes(s)) {
      throw new ValidationError(`unknown scope ${JSON.stringify(s)}; known: ${API_SCOPES.join(', ')}`);
    }
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

/**
 * Nobody grants what they do not hold: every scope of `granted` (a role's or a token's) must be among
 * the actor's own scopes. Throws ScopeNotHeldError (403) naming the missing scopes.
 */
export function assertHolds(actorScopes: readonly string[], granted: readonly string[], what: string): void {
  const missing = granted.filter((s) => !actorScopes.includes(s));
  if (missing.length > 0) {
    throw new ScopeNotHeldError(`you cannot ${what}: it needs scopes you do not hold (${missing.join(', ')})`, { details: { missingScopes: missing } });
  }
}

/** The scopes of `scopes` that `role` still holds (a token never outlives its creator's rights). */
export function intersectRole(scopes: readonly string[], role: Role): string[] {
  const held = scopesForRole(role);
  return scopes.filter((s) => held.includes(s));
}
