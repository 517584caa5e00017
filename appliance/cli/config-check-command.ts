import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../core/config/config-loader.js';
import { SettingsRepository } from '../../core/store/index.js';
import { discoverPlugins } from '../../core/plugins/plugin-discovery.js';
import { readBuildInfo } from '../build-info.js';
import type { CliIo } from './cli-args.js';

export const CONFIG_USAGE = `usage: xlive config check
  print the effective config, each value with the layer it came from; exit 78 when it is invalid
`;

/** Print the effective config with each value's layer; invalid config throws ConfigError (exit 78). */
export function configCheckCommand(io: CliIo): number {
  const first = loadConfig({ cwd: io.cwd, env: io.env });
  const dbFile = join(first.values.dataDir, 'xlive.db');
  let settings: Record<string, unknown> | undefined;
  if (existsSync(dbFile)) {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      settings = new SettingsRepository(db).all();
    } catch {
      settings = undefined; // an older database without the settings table: no saved settings
    } finally {
      db.close();
    }
  }
  const config = loadConfig({ cwd: io.cwd, env: io.env, settings });
  // Resolve each discovered plugin's section too (env + defaults + validation), without importing code.
  const build = readBuildInfo();
  const { manifests } = discoverPlugins([
    { path: build.builtinPluginsDir, source: 'builtin' },
    { path: config.values.pluginsDir, source: 'external' },
  ]);
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const m of manifests) {
    config.pluginSection(m.id, m.configSchema);
    schemas[m.id] = m.configSchema;
  }
  for (const l of config.layers) io.out.write(`# layer ${l.name}: ${l.source}\n`);
  io.out.write(config.describe() + '\n');
  for (const w of [...config.warnings, ...config.envWarnings(schemas)]) io.err.write(`warning: ${w}\n`);
  io.out.write('config ok\n');
  return 0;
}
