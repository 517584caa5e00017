import { PluginError } from '../errors/xlive-error.js';
import type { PluginManifest } from '../sdk/plugin.js';

/**
 * Top-level prefixes an external (third-party) plugin may never mount: the API, the probes, the
 * metrics endpoint, the panel, and the per-plugin namespace `/plugins/<id>`.
 */
export const EXTERNAL_FORBIDDEN_PREFIXES: readonly string[] = ['/api', '/healthz', '/readyz', '/metrics', '/panel', '/plugins'];

/** `/plugins/<id>` belongs to each plugin (routes registered without a mount); nobody mounts it. */
const PLUGIN_NAMESPACE = '/plugins';

/** True when one prefix is the other or contains it (`/api` and `/api/v1/session`). */
export function prefixesOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** The fixed part of a route path, up to its first parameter or wildcard (`/api/v1/plugins/:id` → `/api/v1/plugins`). */
export function staticPrefix(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split('/').slice(1)) {
    if (seg.startsWith(':') || seg.includes('*')) break;
    parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

/**
 * Who owns which top-level HTTP prefix, so no plugin mount can shadow a core route or another
 * plugin's mount. Rule:
 * - a mount may not overlap (equal, contain or sit inside) a core route's fixed prefix, nor the
 *   per-plugin namespace `/plugins`; the panel's `/` only matches exactly and is safe. One
 *   exception: a BUILT-IN plugin's mount may contain core routes that are fully static paths
 *   (`/api/v1/system` holds core's `/api/v1/system/restart`): such a route matches only its own
 *   path, core routes are registered first (they answer before any plugin route), and built-in
 *   plugins are first-party code; a core route with parameters or a wildcard below it still refuses;
 * - an external plugin may not mount under `/api`, `/healthz`, `/readyz`, `/metrics`, `/panel`,
 *   `/plugins` at all;
 * - two plugins' mounts may not overlap. The mounts of built-in plugins are reserved from the start
 *   (even when disabled), so a third-party plugin can never take `/api/v1/session` or `/hls`.
 * A conflict is a PluginError PLUGIN_MOUNT_CONFLICT naming both owners; the plugin is refused at setup.
 */
export class MountClaims {
  private readonly owners = new Map<string, string>();
  private readonly core: string[];
  /** Static prefixes of core routes with a parameter or wildcard (never allowed inside any mount). */
  private readonly dynamic: Set<string>;

  constructor(coreRoutePaths: readonly string[]) {
    this.core = [...new Set(coreRoutePaths.map(staticPrefix).filter((p) => p !== '/'))];
    this.dynamic = new Set(coreRoutePaths.filter((p) => staticPrefix(p) !== p.replace(/\/+$/, '')).map(staticPrefix));
  }

  /** Reserve the mounts of the built-in plugins before any plugin is set up. */
  reserveBuiltins(manifests: readonly Pick<PluginManifest, 'id' | 'source' | 'httpMounts'>[]): void {
    for (const m of manifests) {
      if (m.source !== 'builtin') continue;
      for (const mount of m.httpMounts) if (!this.owners.has(mount)) this.owners.set(mount, m.id);
    }
  }

  /** Check every mount of `m` and claim them; throws PLUGIN_MOUNT_CONFLICT and claims none on conflict. */
  claim(m: Pick<PluginManifest, 'id' | 'source' | 'httpMounts'>): void {
    for (const mount of m.httpMounts) this.check(m, mount);
    for (const mount of m.httpMounts) this.owners.set(mount, m.id);
  }

  private check(m: Pick<PluginManifest, 'id' | 'source'>, mount: string): void {
    const refuse = (other: string, theirs: string, why: string): never => {
      throw new PluginError(
        'PLUGIN_MOUNT_CONFLICT',
        `plugin ${m.id} may not mount ${mount}: it conflicts with ${theirs} of ${other} (${why})`,
        { details: { plugin: m.id, mount, owner: other, conflictsWith: theirs } },
      );
    };
    for (const [theirs, owner] of this.owners) {
      if (owner !== m.id && prefixesOverlap(mount, theirs)) refuse(owner, theirs, 'two plugins may not serve overlapping paths');
    }
    for (const theirs of this.core) {
      if (!prefixesOverlap(mount, theirs)) continue;
      const staticInside = m.source === 'builtin' && theirs.startsWith(`${mount}/`) && !this.dynamic.has(theirs);
      if (!staticInside) refuse('core', theirs, 'core routes can never be mounted or shadowed');
    }
    if (prefixesOverlap(mount, PLUGIN_NAMESPACE)) refuse('core', PLUGIN_NAMESPACE, 'it holds every plugin\'s own routes');
    if (m.source === 'external') {
      const reserved = EXTERNAL_FORBIDDEN_PREFIXES.find((p) => prefixesOverlap(mount, p));
      if (reserved) refuse('core', reserved, 'third-party plugins may not mount under the API, probes, metrics or panel');
    }
  }
}
