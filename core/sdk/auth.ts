/** The seed's AuthProvider: authenticate credentials to a principal, authorize (principal, resource, action). */
export type Credentials =
  | { type: 'anonymous'; remote?: string }
  | { type: 'bearer'; token: string; remote?: string }
  | { type: 'password'; username: string; password: string; remote?: string }
  /** A panel session cookie; `csrfToken` is the X-CSRF-Token header of a state-changing request. */
  | { type: 'session'; sessionId: string; method: string; csrfToken?: string; remote?: string }
  /**
   * A publish/play attempt: `name` as sent (may be the key itself), plus `?key=`/`?token=` query
   * values. `action` lets the provider keep separate failure budgets for viewing and publishing
   * (without it, a failure counts as a publish attempt).
   */
  | { type: 'stream'; app: string; name: string; query: Record<string, string>; remote?: string; action?: 'publish' | 'read' };

export interface Principal {
  /** Stable id: user id, token id, `stream:<path>`, `anonymous`. */
  id: string;
  kind: 'user' | 'token' | 'stream' | 'anonymous';
  /** Roles (admin/operator/viewer) or token scopes. */
  scopes: readonly string[];
  /** For stream credentials: the real `<app>/<stream>` path the key maps to. */
  streamPath?: string;
  /** Name to show in logs and audit. */
  display?: string;
}

/** Actions on resources: `stream:<app>/<name>` × publish|read, `api:<scope>` × any. */
export type Action = 'publish' | 'read' | 'write' | 'admin' | string;

export interface AuthProvider {
  readonly name: string;
  /** null: these credentials are not for this provider (the next one is asked). Throws AuthenticationError when they are wrong. */
  authenticate(credentials: Credentials): Promise<Principal | null>;
  /** true/false to decide, undefined to abstain. */
  authorize(principal: Principal, resource: string, action: Action): Promise<boolean | undefined>;
  /**
   * Sign a short-lived link to `resource` (`recording:<app>/<stream>/<id>`, …) valid until
   * `expiresAtSeconds` (epoch seconds): an opaque token a player or `curl` presents without a session.
   * Optional; a provider that cannot sign leaves it out.
   */
  signLink?(resource: string, expiresAtSeconds: number): string;
  /** Whether `token` is a link this provider signed for exactly `resource`, unexpired and not revoked; undefined to abstain. */
  verifyLink?(resource: string, token: string): boolean | undefined;
  /** Whether viewing `<app>/<stream>` needs credentials (a playback token), as this provider keeps it; undefined to abstain. Optional. */
  streamProtection?(path: string): boolean | undefined;
  /**
   * Turn a stream's viewing protection on or off (audited with `by`); returns the new value, or
   * undefined when this provider does not keep protection. Optional.
   */
  setStreamProtection?(path: string, on: boolean, by: ChangeActor): boolean | undefined;
}

/** Who asked for a change, for the audit log. */
export interface ChangeActor {
  principal?: Principal;
  /** Client IP. */
  ip?: string;
}

export interface AuthApi {
  register(provider: AuthProvider): void;
  /** Ask providers in order; with no provider registered, everyone is `anonymous`. */
  authenticate(credentials: Credentials): Promise<Principal>;
  /** Ask providers in order; with none deciding, the default policy (open) applies. */
  authorize(principal: Principal, resource: string, action: Action): Promise<boolean>;
  /**
   * A signed link token for `resource`, valid for `ttlSeconds`, from the first running provider that
   * signs links (AuthUnavailableError when none does). See `AuthProvider.signLink`. Optional for
   * test doubles; the host's context always has it (API 1.2).
   */
  signLink?(resource: string, ttlSeconds: number): { token: string; expiresAt: string };
  /** Whether a running provider vouches for `token` as a link to exactly `resource` (false when none does). */
  verifyLink?(resource: string, token: string): boolean;
  /** A stream's viewing protection from the first running provider that keeps it (undefined when none does). Optional for test doubles. */
  streamProtection?(path: string): boolean | undefined;
  /** Change it through the first running provider that keeps it (ConflictError when none does). Optional for test doubles. */
  setStreamProtection?(path: string, on: boolean, by: ChangeActor): boolean;
}

/** API scopes tokens carry and roles expand to. */
export const API_SCOPES = [
  'streams:read',
  'streams:write',
  'recordings:read',
  'recordings:write',
  'plugins:admin',
  'system:read',
  'system:admin',
  'users:admin',
  'metrics:read',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
