import type { Context, Handler } from 'hono';
import type { HttpMethod, RouteOptions } from '../sdk/http.js';
import type { Principal } from '../sdk/auth.js';
import { accessGuard, optionalPrincipal, policyOf, type Authenticator, type PolicyTable } from './access-policy.js';
import type { HostCheck } from './host-check.js';
import type { XliveApp } from './http-app.js';
import type { HttpRateLimits } from './rate-limits.js';
import type { RouteTable } from './route-table.js';
import { RouteMatcher } from './route-matcher.js';

/**
 * Adds routes to the app with their access policy and rate limit, and records the policy, so every
 * route — core or plugin — is guarded the same way and a test can enumerate them.
 */
export class SecuredRouter {
  private readonly matcher = new RouteMatcher(() => this.policies.entries);

  constructor(
    private readonly app: XliveApp,
    readonly policies: PolicyTable,
    private readonly auth: Authenticator,
    private readonly limits: HttpRateLimits,
    private readonly trustProxy: boolean,
    private readonly hostCheck?: HostCheck,
  ) {}

  add(owner: string, method: HttpMethod, path: string, options: RouteOptions, handler: (c: Context) => Response | Promise<Response>): void {
    const policy = policyOf(options);
    const limit = options.media ? this.limits.media() : this.limits.api();
    const guard = accessGuard(this.auth, policy, this.trustProxy, this.hostCheck);
    if (options.sameOrigin && this.hostCheck) this.app.on(method, path, limit, this.hostCheck.middleware(), guard, handler as Handler);
    else this.app.on(method, path, limit, guard, handler as Handler);
    this.policies.add(method, path, policy, owner);
  }

  /** The caller of a public route, when it presents valid credentials (see `optionalPrincipal`). */
  callerOf(c: Context): Promise<Principal | undefined> {
    return optionalPrincipal(this.auth, c, this.trustProxy);
  }

  /** The methods served at `path` (for 405 and its `Allow` header). */
  allowedMethods(path: string): string[] {
    return this.matcher.allowed(path);
  }

  /** Mount what plugins registered during setup. */
  mountPluginRoutes(table: RouteTable): void {
    // Through the route's current handler: a plugin restarted in place swaps it (RouteTable.replaceOwner).
    for (const r of table.routes) this.add(r.owner, r.method, r.path, r.options, (c) => r.handler(c));
  }
}
