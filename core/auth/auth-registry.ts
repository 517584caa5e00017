import type { Action, AuthApi, AuthProvider, Credentials, Principal } from '../sdk/auth.js';

const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', kind: 'anonymous', scopes: Object.freeze([]) as readonly string[] });

/**
 * Auth providers registered by plugins, asked in order. With no provider, the box is open: everyone
 * is anonymous and every action is allowed (a lab default until an auth plugin is enabled).
 */
export class AuthRegistry implements AuthApi {
  private readonly providers: AuthProvider[] = [];

  register(provider: AuthProvider): void {
    this.providers.push(provider);
  }

  get hasProviders(): boolean {
    return this.providers.length > 0;
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    for (const p of this.providers) {
      const principal = await p.authenticate(credentials);
      if (principal) return principal;
    }
    return ANONYMOUS;
  }

  async authorize(principal: Principal, resource: string, action: Action): Promise<boolean> {
    for (const p of this.providers) {
      const decision = await p.authorize(principal, resource, action);
      if (decision !== undefined) return decision;
    }
    return true;
  }
}
