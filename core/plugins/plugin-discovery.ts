import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../errors/xlive-error.js';
import type { PluginManifest } from '../sdk/plugin.js';
import { readManifest } from './manifest.js';

export interface PluginDirectory {
  path: string;
  source: 'builtin' | 'external';
}

export interface DiscoveryResult {
  manifests: PluginManifest[];
  /** Folders that hold a package.json but no valid manifest, or a duplicate id. */
  failures: Array<{ dir: string; id: string; error: PluginError }>;
}

/** List the plugin folders of each directory (a missing directory is simply empty) and read their manifests. */
export function discoverPlugins(dirs: readonly PluginDirectory[]): DiscoveryResult {
  const manifests: PluginManifest[] = [];
  const failures: DiscoveryResult['failures'] = [];
  const seen = new Map<string, PluginManifest>();
  for (const { path, source } of dirs) {
    if (!existsSync(path)) continue;
    for (const entry of readdirSync(path).sort()) {
      const dir = join(path, entry);
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
      try {
        const m = readManifest(dir, source);
        const prior = seen.get(m.id);
        if (prior) {
          throw new PluginError('PLUGIN_DUPLICATE_ID', `plugin id "${m.id}" in ${dir} is already taken by ${prior.dir}`);
        }
        seen.set(m.id, m);
        manifests.push(m);
      } catch (err) {
        const error = err instanceof PluginError ? err : new PluginError('PLUGIN_MANIFEST_INVALID', String(err), { cause: err });
        failures.push({ dir, id: entry, error });
      }
    }
  }
  return { manifests, failures };
}
