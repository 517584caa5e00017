import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedConfig } from '../core/config/config-loader.js';
import type { BuildInfo } from '../core/container/tokens.js';
import type { Logger } from '../core/logging/logger.js';
import { discoverPlugins } from '../core/plugins/plugin-discovery.js';
import { PluginInstaller, type PluginInstallerDeps } from '../core/plugins/plugin-installer.js';
import { PluginConsentRepository, PluginKvRepository, PluginStateRepository, type SqliteDatabase } from '../core/store/index.js';

export interface InstallerWiring {
  config: LoadedConfig['values'];
  build: Pick<BuildInfo, 'apiVersion' | 'builtinPluginsDir'>;
  db: SqliteDatabase;
  log: Logger;
  record: PluginInstallerDeps['record'];
  /** The running box's host and plugin databases (absent on the console). */
  host?: Pick<PluginInstallerDeps, 'adopt' | 'release'>;
  closePluginDatabase?(id: string): void;
}

/** The one PluginInstaller of the box (composition root) and of `xlive plugins install|uninstall`. */
export function createPluginInstaller(w: InstallerWiring): PluginInstaller {
  const v = w.config;
  const state = new PluginStateRepository(w.db);
  const consent = new PluginConsentRepository(w.db);
  const kv = new PluginKvRepository(w.db);
  return new PluginInstaller({
    pluginsDir: v.pluginsDir,
    hostApiVersion: w.build.apiVersion,
    limits: { maxBytes: v.pluginHost.maxPackageBytes, maxUnpackedBytes: v.pluginHost.maxPackageUnpackedBytes, maxEntries: v.pluginHost.maxPackageEntries },
    discover: () =>
      discoverPlugins([
        { path: w.build.builtinPluginsDir, source: 'builtin' },
        { path: v.pluginsDir, source: 'external' },
      ]),
    forget: (id) => {
      state.delete(id);
      consent.delete(id);
    },
    purgeData: (id) => {
      w.closePluginDatabase?.(id);
      rmSync(join(v.dataDir, 'plugin-data', id), { recursive: true, force: true });
      kv.deleteOwner(id);
    },
    record: w.record,
    ...(w.host ?? {}),
    log: w.log,
  });
}
