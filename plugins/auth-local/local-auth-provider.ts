import { AuthenticationError, ForbiddenError, type Action, type AuthProvider, type ChangeActor, type Credentials, type Principal } from 'xlive/sdk';
import type { AccountService } from './account-service.js';
import type { AuditLog } from './audit-log.js';
import { scopesForRole } from './roles.js';
import type { SessionStore } from './session-store.js';
import { signLinkToken, streamOfResource, verifyLinkToken } from './link-token.js';
import type { StreamGate } from './stream-gate.js';
import type { StreamKeyStore } from './stream-key-store.js';
import type { StreamProtection } from './stream-protection.js';
import type { TokenStore } from './token-store.js';
import type { UserRecord, UserRepository } from './user-repository.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface LocalAuthProviderDeps {
  users: UserRepository;
  sessions: SessionStore;
  tokens: TokenStore;
  accounts: AccountService;
  gate: StreamGate;
  audit: AuditLog;
  /** Per-stream viewing protection (on the stream keys). */
  protection?: StreamProtection;
  /** Signed links (recordings): the playback key and the streams' revocation epochs. */
  links?: { key: Uint8Array; streamKeys: Pick<StreamKeyStore, 'get'>; now?: () => number };
}

export function userPrincipal(user: UserRecord): Principal {
  return { id: `user:${user.id}`, kind: 'user', scopes: scopesForRole(user.role), display: user.username };
}

/** The user id behind a principal this provider issued for a session or password (`user:<id>`). */
export function userIdOf(p: Principal | undefined): number | undefined {
  if (!p || p.kind !== 'user' || !p.id.startsWith('user:')) return undefined;
  const n = Number(p.id.slice(5));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** How a principal appears in the audit log. */
export function actorOf(p: Principal | undefined): string {
  if (!p) return 'anonymous';
  if (p.kind === 'user') return `user:${p.display ?? p.id}`;
  if (p.kind === 'token') return `token:${p.display ?? p.id}`;
  return p.id;
}

/**
 * The seed's AuthProvider for local accounts: bearer JWTs (API tokens), panel sessions (with CSRF on
 * state-changing requests), passwords, and stream keys / playback tokens (via the StreamGate).
 * `authorize` decides `stream:<path>` publish/read and `api:<scope>`; it abstains on anything else.
 */
export class LocalAuthProvider implements AuthProvider {
  readonly name = 'auth-local';

  constructor(private readonly d: LocalAuthProviderDeps) {}

  async authenticate(c: Credentials): Promise<Principal | null> {
    switch (c.type) {
      case 'bearer': {
        try {
          const t = this.d.tokens.verify(c.token);
          return { id: `token:${t.id}`, kind: 'token', scopes: t.scopes, display: t.name };
        } catch (err) {
          // Audited only when the signature was good (revoked, expired, deleted): forged noise is not.
          if (err instanceof AuthenticationError && err.details?.['tokenId']) {
            this.d.audit.record({ actor: 'anonymous', ip: c.remote, action: 'token.refused', detail: { tokenId: err.details['tokenId'], reason: err.message } });
          }
          throw err;
        }
      }
      case 'session':
        return this.session(c);
      case 'password':
        return userPrincipal(await this.d.accounts.checkLogin(c.username, c.password, c.remote ?? 'unknown'));
      case 'stream':
        return this.d.gate.authenticate(c);
      default:
        return null;
    }
  }

  async authorize(p: Principal, resource: string, action: Action): Promise<boolean | undefined> {
    if (resource.startsWith('stream:')) return this.d.gate.authorize(p, resource.slice('stream:'.length), action);
    if (resource.startsWith('api:')) return p.scopes.includes(resource.slice('api:'.length));
    return undefined;
  }

  signLink(resource: string, expiresAtSeconds: number): string {
    const l = this.links();
    return signLinkToken(l.key, resource, expiresAtSeconds, this.epochOf(resource));
  }

  verifyLink(resource: string, token: string): boolean | undefined {
    if (!this.d.links) return undefined;
    const l = this.d.links;
    const now = Math.floor((l.now ?? Date.now)() / 1000);
    return verifyLinkToken(l.key, token, resource, now, this.epochOf(resource));
  }

  streamProtection(path: string): boolean | undefined {
    return this.d.protection?.get(path);
  }

  setStreamProtection(path: string, on: boolean, by: ChangeActor): boolean | undefined {
    return this.d.protection?.setByPath(path, on, { actor: actorOf(by.principal), ip: by.ip });
  }

  private links(): NonNullable<LocalAuthProviderDeps['links']> {
    if (!this.d.links) throw new ForbiddenError('this auth provider signs no links');
    return this.d.links;
  }

  /** The revocation epoch of the stream a resource belongs to (0 when the stream has no key). */
  private epochOf(resource: string): number {
    const path = streamOfResource(resource);
    return (path && this.d.links?.streamKeys.get(path)?.playbackEpoch) || 0;
  }

  private session(c: Extract<Credentials, { type: 'session' }>): Principal {
    const s = this.d.sessions.find(c.sessionId);
    if (!s) throw new AuthenticationError('your session has expired or was ended; log in again');
    const user = this.d.users.get(s.userId);
    if (!user || user.disabled) throw new AuthenticationError('this account no longer exists or is disabled');
    if (!SAFE_METHODS.has(c.method.toUpperCase()) && !this.d.sessions.checkCsrf(c.sessionId, c.csrfToken)) {
      this.d.audit.record({ actor: `user:${user.username}`, ip: c.remote, action: 'csrf.refused', detail: { method: c.method } });
      throw new ForbiddenError('this request needs the X-CSRF-Token header of your session (reload the panel)');
    }
    return userPrincipal(user);
  }
}
