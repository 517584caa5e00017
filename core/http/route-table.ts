import type { HttpMethod, RouteHandler, RouteOptions, UpgradeHandler } from '../sdk/http.js';
import type { RouteDocCompiler } from './route-doc-compiler.js';

export interface RegisteredRoute {
  owner: string;
  method: HttpMethod;
  path: string;
  handler: RouteHandler;
  options: RouteOptions;
}

export interface RegisteredUpgrade {
  owner: string;
  prefix: string;
  handler: UpgradeHandler;
  options: RouteOptions;
}

/**
 * Routes and upgrade handlers registered by plugins during setup, mounted on the app before it
 * listens. Kept as data so auth policy and the route listing can be checked by tests.
 */
export class RouteTable {
  readonly routes: RegisteredRoute[] = [];
  readonly upgrades: RegisteredUpgrade[] = [];

  /** `docs` checks a route's `doc` when a plugin registers it, so a broken schema fails that plugin's setup. */
  constructor(private readonly docs?: Pick<RouteDocCompiler, 'check'>) {}

  /** Throws (naming the route and owner) when the route's `doc` does not compile. */
  checkDoc(owner: string, method: HttpMethod, path: string, options: RouteOptions): void {
    this.docs?.check({ owner, method, path }, options.doc);
  }

  addRoute(route: RegisteredRoute): void {
    this.routes.push(route);
  }

  addUpgrade(upgrade: RegisteredUpgrade): void {
    this.upgrades.push(upgrade);
    this.upgrades.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  findUpgrade(path: string): RegisteredUpgrade | undefined {
    return this.upgrades.find((u) => path.startsWith(u.prefix));
  }
}
