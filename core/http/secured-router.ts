import type { Context, Handler } from 'hono';
import type { HttpMethod, RouteOptions } from '../sdk/http.js';
import type { Principal } from '../sdk/auth.js';
import { accessGuard, optionalPrincipal, policyOf, type Authenticator, type PolicyTable } from './access-policy.js';
import type { XliveApp } from './http-app.js';
import type { HttpRateLimits } from './rate-limits.js';
import type { RouteTable } from './route-table.js';

/**
 * Adds routes to the app with their access policy and rate limit, and records the policy, so every
 * route — core or plugin — is guarded the same way and a test can enumerate them.
 */
export class SecuredRouter {
  constructor(
    private readonly app: XliveApp,
    readonly policies: PolicyTable,
    private readonly auth: Authenticator,
    private readonly limits: HttpRateLimits,
    private readonly trustProxy: boolean,
  ) {}

  add(owner: string, method: HttpMethod, path: string, options: RouteOptions, handler: (c: Context) => Response | Promise<Response>): void {
    const policy = policyOf(options);
    const limit = options.media ? this.limits.media() : this.limits.api();
    this.app.on(method, path, limit, accessGuard(this.auth, policy, this.trustProxy), handler as Handler);
    this.policies.add(method, path, policy, owner);
  }

  /** The caller of a public route, when it presents valid credentials (see `optionalPrincipal`). */
  callerOf(c: Context): Promise<Principal | undefined> {
    return optionalPrincipal(this.auth, c, this.trustProxy);
  }

  /** Mount what plugins registered during setup. */
  mountPluginRoutes(table: RouteTable): void {
    for (const r of table.routes) this.add(r.owner, r.method, r.path, r.options, r.handler);
  }
}
