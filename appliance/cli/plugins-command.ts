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
      const manifest = found.manifests.find((m) => m.id === id);
      if (!id || !manifest) throw new ValidationError(`no plugin with id "${id ?? ''}" (see: xlive plugins list)`);
      state.set(id, sub === 'enable');
      if (sub === 'disable' && manifest.kinds.includes('auth')) io.err.write(authDisableWarning(id, config.values.auth.labMode));
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

/** The console may disable the auth plugin (the API may not); it says loudly what that does. */
function authDisableWarning(id: string, labMode: boolean): string {
  const then = labMode
    ? 'auth lab mode is on, so with no auth plugin running the box will be OPEN to anyone who can reach it'
    : 'with no auth plugin running the box will REFUSE every API request, publish and play (503 AUTH_UNAVAILABLE)';
  return `WARNING: ${id} is an auth plugin. After the next restart ${then}, until you run "xlive plugins enable ${id}" and restart` +
    `${labMode ? '' : ', or choose lab mode on purpose (auth.labMode=true / XLIVE_AUTH_LAB_MODE=1)'}.\n`;
}
