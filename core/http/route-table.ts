import { PluginError } from '../errors/xlive-error.js';
import type { HttpMethod, RouteHandler, RouteOptions } from '../sdk/http.js';
import type { RouteDocCompiler } from './route-doc-compiler.js';

export interface RegisteredRoute {
  owner: string;
  method: HttpMethod;
  path: string;
  handler: RouteHandler;
  options: RouteOptions;
}

/**
 * Routes registered by plugins during setup, mounted on the app before it listens (WebSocket
 * upgrades are GET routes too). Kept as data so auth policy and the route listing can be checked by tests.
 */
export class RouteTable {
  readonly routes: RegisteredRoute[] = [];

  /** `docs` checks a route's `doc` when a plugin registers it, so a broken schema fails that plugin's setup. */
  constructor(private readonly docs?: Pick<RouteDocCompiler, 'check'>) {}

  /** Throws (naming the route and owner) when the route's `doc` does not compile. */
  checkDoc(owner: string, method: HttpMethod, path: string, options: RouteOptions): void {
    this.docs?.check({ owner, method, path }, options.doc);
  }

  addRoute(route: RegisteredRoute): void {
    this.routes.push(route);
  }

  /**
   * A plugin restarted in place registered `staged` again: its routes take the new
   * handlers. The router mounted each route once and calls the route's current handler, so nothing
   * is added or removed: the set (method, path, access options) must be the same as
   * at start, else PLUGIN_RESTART_UNSUPPORTED and nothing changes.
   */
  replaceOwner(owner: string, staged: RouteTable): void {
    const mine = this.routes.filter((r) => r.owner === owner);
    const key = (r: RegisteredRoute) => `${r.method} ${r.path} ${accessOf(r.options)}`;
    const same = (a: string[], b: string[]) => {
      const [x, y] = [[...a].sort(), [...b].sort()];
      return x.length === y.length && x.every((v, i) => v === y[i]);
    };
    if (!same(mine.map(key), staged.routes.map(key))) {
      throw new PluginError(
        'PLUGIN_RESTART_UNSUPPORTED',
        `plugin ${owner} registered other HTTP routes than at start; routes are mounted once, restart the service`,
        { details: { plugin: owner, reason: 'routes changed' } },
      );
    }
    for (const r of mine) r.handler = staged.routes.find((x) => key(x) === key(r))!.handler;
  }
}

/** What the router fixed when it mounted a route: its access policy and limits. */
function accessOf(o: RouteOptions): string {
  return JSON.stringify([o.public ?? false, o.scope ?? null, o.media ?? false, o.sameOrigin ?? false]);
}
