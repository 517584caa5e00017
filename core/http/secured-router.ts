import type { Context, Handler } from 'hono';
import type { HttpMethod, RouteOptions } from '../sdk/http.js';
import type { Principal } from '../sdk/auth.js';
import { accessGuard, optionalPrincipal, policyOf, type Authenticator, type PolicyTable } from './access-policy.js';
import type { HostCheck } from './host-check.js';
import type { XliveApp } from './http-app.js';
import type { HttpRateLimits } from './rate-limits.js';
import type { RouteTable } from './route-table.js';
import { RouteMatcher } from './route-matcher.js';
import type { DocumentedRoute } from './openapi-document.js';
import { RouteDocCompiler } from './route-doc-compiler.js';

/**
 * Adds routes to the app with their access policy, rate limit and request validation (`doc`), and
 * records the policy and options, so every route — core or plugin — is guarded the same way, a test
 * can enumerate them, and the OpenAPI document describes exactly what is mounted.
 */
export class SecuredRouter {
  private readonly matcher = new RouteMatcher(() => this.policies.entries);
  /** Every mounted route with its options, in mounting order (the OpenAPI document's source). */
  readonly routes: DocumentedRoute[] = [];

  constructor(
    private readonly app: XliveApp,
    readonly policies: PolicyTable,
    private readonly auth: Authenticator,
    private readonly limits: HttpRateLimits,
    private readonly trustProxy: boolean,
    private readonly hostCheck?: HostCheck,
    private readonly docs: RouteDocCompiler = new RouteDocCompiler(),
  ) {}

  add(owner: string, method: HttpMethod, path: string, options: RouteOptions, handler: (c: Context) => Response | Promise<Response>): void {
    const policy = policyOf(options);
    const limit = options.media ? this.limits.media() : this.limits.api();
    const guard = accessGuard(this.auth, policy, this.trustProxy, this.hostCheck);
    // Validation after the guard: a caller without access learns nothing about the schema.
    const doc = this.docs.compile({ owner, method, path }, options.doc);
    const chain: Handler[] = [
      ...(doc.response ? [doc.response] : []),
      limit,
      ...(options.sameOrigin && this.hostCheck ? [this.hostCheck.middleware()] : []),
      guard,
      ...(doc.request ? [doc.request] : []),
      handler as Handler,
    ];
    (this.app.on as (m: string, p: string, ...h: Handler[]) => unknown)(method, path, ...chain);
    this.policies.add(method, path, policy, owner);
    this.routes.push({ owner, method, path, options });
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
