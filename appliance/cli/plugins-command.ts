import { loadConfig } from '../../core/config/config-loader.js';
import { ValidationError } from '../../core/errors/xlive-error.js';
import { silentLogger } from '../../core/logging/logger.js';
import { apiCompatible } from '../../core/plugins/manifest.js';
import { discoverPlugins } from '../../core/plugins/plugin-discovery.js';
import { closeDatabase, EventRepository, PluginStateRepository } from '../../core/store/index.js';
import { readBuildInfo } from '../build-info.js';
import { openStateDatabase } from '../composition-root.js';
import type { CliIo } from './run-cli.js';

/** `plugins list` (no plugin code is imported) and `plugins enable|disable <id>`. */
export async function pluginsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub = 'list', id] = args;
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const build = readBuildInfo();
  const log = silentLogger();
  const { db } = openStateDatabase(config.values, log);
  try {
    const state = new PluginStateRepository(db);
    const found = discoverPlugins([
      { path: build.builtinPluginsDir, source: 'builtin' },
      { path: config.values.pluginsDir, source: 'external' },
    ]);
    if (sub === 'enable' || sub === 'disable') {
      if (!id || !found.manifests.some((m) => m.id === id)) throw new ValidationError(`no plugin with id "${id ?? ''}" (see: xlive plugins list)`);
      state.set(id, sub === 'enable');
      new EventRepository(db).append({
        time: new Date().toISOString(),
        type: 'plugin.changed',
        severity: 'info',
        source: 'core',
        stream: null,
        message: `plugin ${id} ${sub}d on the console (applies at the next start)`,
        data: { plugin: id, enabled: sub === 'enable', actor: 'console', ip: 'local' },
      });
      io.out.write(`${id} ${sub}d; restart xlive to apply\n`);
      return 0;
    }
    if (sub !== 'list') throw new ValidationError(`unknown plugins command "${sub}" (list, enable, disable)`);
    const rows = found.manifests.map((m) => {
      const enabled = state.get(m.id) ?? m.enabledByDefault;
      const api = apiCompatible(m, build.apiVersion) ? '' : ` API MISMATCH (needs ${m.apiVersion}, host ${build.apiVersion})`;
      return `${m.id.padEnd(20)} ${m.version.padEnd(9)} ${(enabled ? 'enabled' : 'disabled').padEnd(9)} ${m.source.padEnd(8)} ${m.kinds.join(',')}${api}`;
    });
    io.out.write(`${'ID'.padEnd(20)} ${'VERSION'.padEnd(9)} ${'STATE'.padEnd(9)} ${'SOURCE'.padEnd(8)} KINDS\n${rows.join('\n')}\n`);
    for (const f of found.failures) io.out.write(`${f.id.padEnd(20)} invalid   ${f.error.code}: ${f.error.message}\n`);
    return 0;
  } finally {
    closeDatabase(db, log);
  }
}
