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
  /** Where routes added after the app was built go (see acceptLateRoutes). */
  private late: SecuredRouter | undefined;

  constructor(
    private readonly app: XliveApp,
    readonly policies: PolicyTable,
    private readonly auth: Authenticator,
    private readonly limits: HttpRateLimits,
    private readonly trustProxy: boolean,
    private readonly hostCheck?: HostCheck,
    private readonly docs: RouteDocCompiler = new RouteDocCompiler(),
    /** An app built with `lateRoutes`: plugins started at run time serve their routes through it (see acceptLateRoutes). */
    private readonly lateApp?: XliveApp,
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

  /**
   * Let routes under `prefix` be added while the box serves (a plugin installed and started at run
   * time): they go to `lateApp` (built with `lateRoutes`, the same middleware) through a second
   * router sharing this one's policy table, auth, limits and docs, and this app hands it every
   * request under `prefix` that no route mounted here answered. Call after mounting plugin routes.
   */
  acceptLateRoutes(prefix: string, lateApp: XliveApp): void {
    this.late = new SecuredRouter(lateApp, this.policies, this.auth, this.limits, this.trustProxy, this.hostCheck, this.docs);
    (this.app.all as (p: string, h: Handler) => unknown)(`${prefix}/*`, (c: Context) => lateApp.fetch(c.req.raw, c.env));
  }

  /** Whether `addLate` can take routes (acceptLateRoutes was called). */
  get acceptsLateRoutes(): boolean {
    return this.late !== undefined;
  }

  /** Mount one plugin's routes registered after the app was built (plugin started at run time). */
  mountLate(table: Pick<RouteTable, 'routes'>): void {
    const late = this.late;
    if (!late) throw new Error('late routes are not accepted (acceptLateRoutes was not called)');
    for (const r of table.routes) {
      late.add(r.owner, r.method, r.path, r.options, (c) => r.handler(c));
      this.routes.push({ owner: r.owner, method: r.method, path: r.path, options: r.options });
    }
  }

  /** Mount what plugins registered during setup. */
  mountPluginRoutes(table: RouteTable): void {
    // Through the route's current handler: a plugin restarted in place swaps it (RouteTable.replaceOwner).
    for (const r of table.routes) this.add(r.owner, r.method, r.path, r.options, (c) => r.handler(c));
    if (this.lateApp && !this.late) this.acceptLateRoutes('/plugins', this.lateApp);
  }
}
