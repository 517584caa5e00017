import { AuthUnavailableError, ConflictError } from '../errors/xlive-error.js';
import { API_SCOPES, type Action, type AuthApi, type AuthProvider, type ChangeActor, type Credentials, type Principal } from '../sdk/auth.js';

const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', kind: 'anonymous', scopes: Object.freeze([]) as readonly string[] });

/** Lab mode with no auth plugin running: every caller acts with every scope (chosen on the console; logged at every start). */
export const OPEN_PRINCIPAL: Principal = Object.freeze({ id: 'open', kind: 'anonymous', scopes: API_SCOPES, display: 'open access (lab mode, no auth plugin)' });

/** What a stranger is told when the box cannot decide (the reason and the fix are in the log and /readyz). */
export const AUTH_UNAVAILABLE_MESSAGE =
  'no auth provider is running, so this box refuses every request, publish and play that needs an access decision; the operator finds the cause and the fix in the box log';

export interface AuthRegistryOptions {
  /**
   * Lab mode, chosen on the console (`auth.labMode`): with no running provider the box is open
   * (everyone anonymous, every action allowed). Without it the box fails closed.
   */
  labMode: boolean;
  /** Whether the plugin that registered a provider runs now; a failed or stopped plugin's provider is never asked. */
  isRunning?(owner: string): boolean;
}

/**
 * Auth providers registered by plugins, each tagged with its owner, asked in order — only while their
 * owner runs. With no running provider the box fails closed: `authenticate` and `authorize` throw
 * AuthUnavailableError (HTTP 503, a refused publish or play). Only lab mode runs open: every caller
 * is OPEN_PRINCIPAL (every scope) and every action is allowed.
 */
export class AuthRegistry implements AuthApi {
  private readonly providers: Array<{ provider: AuthProvider; owner: string }> = [];

  constructor(private readonly options: AuthRegistryOptions) {}

  register(provider: AuthProvider, owner = 'core'): void {
    this.providers.push({ provider, owner });
  }

  get labMode(): boolean {
    return this.options.labMode;
  }

  /** The owners of the providers that would be asked now. */
  runningOwners(): string[] {
    return this.active().map((p) => p.owner);
  }

  /** Whether a provider runs (the box can decide). */
  get available(): boolean {
    return this.active().length > 0;
  }

  /** Lab mode with no running provider: the box is open to anyone. */
  get open(): boolean {
    return this.options.labMode && !this.available;
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    const providers = this.decidable();
    if (providers.length === 0) return OPEN_PRINCIPAL;
    for (const p of providers) {
      const principal = await p.authenticate(credentials);
      if (principal) return principal;
    }
    return ANONYMOUS;
  }

  async authorize(principal: Principal, resource: string, action: Action): Promise<boolean> {
    for (const p of this.decidable()) {
      const decision = await p.authorize(principal, resource, action);
      if (decision !== undefined) return decision;
    }
    return true;
  }

  signLink(resource: string, ttlSeconds: number): { token: string; expiresAt: string } {
    const exp = Math.floor(Date.now() / 1000) + Math.max(1, Math.floor(ttlSeconds));
    for (const { provider } of this.active()) {
      if (!provider.signLink) continue;
      return { token: provider.signLink(resource, exp), expiresAt: new Date(exp * 1000).toISOString() };
    }
    throw new AuthUnavailableError('no running auth provider signs links on this box');
  }

  verifyLink(resource: string, token: string): boolean {
    if (typeof token !== 'string' || token.length > 512) return false;
    for (const { provider } of this.active()) {
      const decision = provider.verifyLink?.(resource, token);
      if (decision !== undefined) return decision;
    }
    return false;
  }

  streamProtection(path: string): boolean | undefined {
    for (const { provider } of this.active()) {
      const v = provider.streamProtection?.(path);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  setStreamProtection(path: string, on: boolean, by: ChangeActor): boolean {
    const providers = this.decidable();
    for (const p of providers) {
      const v = p.setStreamProtection?.(path, on, by);
      if (v !== undefined) return v;
    }
    throw new ConflictError('no running auth provider keeps per-stream protection on this box');
  }

  /** The running providers; none: open in lab mode, else AuthUnavailableError. */
  private decidable(): AuthProvider[] {
    const active = this.active();
    if (active.length === 0 && !this.options.labMode) throw new AuthUnavailableError(AUTH_UNAVAILABLE_MESSAGE);
    return active.map((p) => p.provider);
  }

  private active(): Array<{ provider: AuthProvider; owner: string }> {
    const running = this.options.isRunning;
    return running ? this.providers.filter((p) => running(p.owner)) : this.providers;
  }
}
