import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildInfo } from '../core/container/tokens.js';
import { PLUGIN_API_VERSION } from '../core/sdk/plugin.js';

/** Facts about this installation: version, plugin API, where the package and built-in plugins live. */
export function readBuildInfo(): BuildInfo {
  // dist/appliance/build-info.js → package root two levels up.
  const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return {
    name: pkg.name,
    version: pkg.version,
    apiVersion: PLUGIN_API_VERSION,
    packageRoot,
    builtinPluginsDir: join(packageRoot, 'dist', 'plugins'),
  };
}
