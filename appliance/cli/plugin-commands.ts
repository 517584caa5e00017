import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { loadConfig, type LoadedConfig } from '../../core/config/config-loader.js';
import { isXliveError, PluginError } from '../../core/errors/xlive-error.js';
import { silentLogger, type Logger } from '../../core/logging/logger.js';
import { discoverPlugins } from '../../core/plugins/plugin-discovery.js';
import { installSdkResolver } from '../../core/plugins/sdk-resolver.js';
import type { PluginCommand, PluginCommandContext } from '../../core/sdk/cli.js';
import type { PluginDefinition, PluginManifest, PluginStore } from '../../core/sdk/plugin.js';
import { closeDatabase, createPluginStore, type SqliteDatabase } from '../../core/store/index.js';
import { parseStreamPath } from '../../core/streams/stream-path.js';
import { readBuildInfo } from '../build-info.js';
import { openPluginDatabases, openStateDatabase, pluginEnablement } from '../composition-root.js';
import { UsageError, type CliIo } from './cli-args.js';

/** The console's own commands; a plugin command may not take one of these names. */
export const CORE_COMMANDS: readonly string[] = ['serve', 'config', 'plugins', 'backup', 'restore', 'update', 'version', 'help'];

export interface CommandOffer {
  name: string;
  plugin: PluginManifest;
}

export interface CommandIndex {
  /** Runnable: declared by exactly one enabled plugin, not a core name. */
  offers: CommandOffer[];
  /** Declared but refused, in words (a core name, two plugins, …). */
  refused: Map<string, string>;
}

/**
 * The console commands plugins contribute, from their manifests (`xlive.commands`), without importing
 * any plugin code. Only enabled plugins count (the saved state; with no database yet, the defaults).
 */
export function pluginCommandIndex(io: CliIo): CommandIndex {
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const build = readBuildInfo();
  const { manifests } = discoverPlugins([
    { path: build.builtinPluginsDir, source: 'builtin' },
    { path: config.values.pluginsDir, source: 'external' },
  ]);
  const enabled = enabledFilter(config.values, manifests);
  const byName = new Map<string, PluginManifest[]>();
  const refused = new Map<string, string>();
  for (const m of manifests) {
    for (const name of m.commands ?? []) {
      if (CORE_COMMANDS.includes(name)) {
        refused.set(name, `plugin ${m.id} declares the command "${name}", which is a core xlive command; it is refused (rename it in xlive.commands)`);
        continue;
      }
      if (!enabled(m)) {
        if (!byName.has(name)) refused.set(name, `"${name}" comes from plugin ${m.id}, which is disabled (xlive plugins enable ${m.id})`);
        continue;
      }
      byName.set(name, [...(byName.get(name) ?? []), m]);
    }
  }
  const offers: CommandOffer[] = [];
  for (const [name, ms] of byName) {
    refused.delete(name);
    if (ms.length > 1) refused.set(name, `the command "${name}" is declared by several enabled plugins (${ms.map((m) => m.id).join(', ')}); disable all but one`);
    else offers.push({ name, plugin: ms[0]! });
  }
  return { offers: offers.sort((a, b) => a.name.localeCompare(b.name)), refused };
}

/** Which plugins the box sets up at its next start; reads the database only when it exists. */
function enabledFilter(values: LoadedConfig['values'], manifests: PluginManifest[]): (m: PluginManifest) => boolean {
  if (!existsSync(join(values.dataDir, 'xlive.db'))) {
    return (m) => m.source === 'builtin' && m.enabledByDefault && !values.pluginHost.disable.includes(m.id);
  }
  const log = silentLogger();
  const { db } = openStateDatabase(values, log);
  try {
    const e = pluginEnablement(db, values.pluginHost.disable, () => undefined);
    const on = new Set(manifests.filter((m) => e.isEnabled(m)).map((m) => m.id));
    return (m) => on.has(m.id);
  } finally {
    closeDatabase(db, log);
  }
}

/**
 * Run `xlive <name> …` of the plugin that offers it: import only that plugin's module (its setup never
 * runs), parse the arguments strictly with the command's parseArgs options, and give it a minimal
 * context — its config section, its own store (opened on first use), a logger to stderr, its paths.
 */
export async function runPluginCommand(offer: CommandOffer, args: string[], io: CliIo): Promise<number> {
  const m = offer.plugin;
  const build = readBuildInfo();
  installSdkResolver(pathToFileURL(join(build.packageRoot, 'dist', 'core', 'sdk', 'index.js')).href);
  const mod = (await import(pathToFileURL(m.main).href)) as { default?: PluginDefinition };
  const cmd = mod.default?.commands?.find((c) => c.name === offer.name) as PluginCommand | undefined;
  if (!cmd || typeof cmd.run !== 'function') {
    throw new PluginError('PLUGIN_IMPORT_FAILED', `plugin ${m.id} lists the command "${offer.name}" in xlive.commands, but definePlugin({ commands }) of ${m.main} has none by that name`);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: cmd.allowPositionals ?? true, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError((err as Error).message, cmd.usage);
  }
  if (parsed.values['help'] === true) {
    io.out.write(cmd.usage.endsWith('\n') ? cmd.usage : `${cmd.usage}\n`);
    return 0;
  }
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const log = consoleLogger(io);
  let opened: { db: SqliteDatabase; store: PluginStore; close(): void } | undefined;
  const store = (): PluginStore => {
    if (!opened) {
      const { db } = openStateDatabase(config.values, silentLogger());
      const dbs = openPluginDatabases(config.values, db, silentLogger());
      opened = {
        db,
        store: createPluginStore(db, m.id, dbs),
        close: () => {
          dbs.closeAll();
          closeDatabase(db, silentLogger());
        },
      };
    }
    return opened.store;
  };
  const dir = (root: string) => () => {
    const p = join(root, m.id);
    mkdirSync(p, { recursive: true, mode: 0o700 });
    return p;
  };
  const dataDir = dir(join(config.values.dataDir, 'plugin-data'));
  const runtimeDir = dir(config.values.runtimeDir);
  const ctx: PluginCommandContext = {
    id: m.id,
    config: config.pluginSection(m.id, m.configSchema),
    log,
    get store() {
      return store();
    },
    paths: Object.freeze({
      get data() {
        return dataDir();
      },
      get runtime() {
        return runtimeDir();
      },
    }),
    streams: { parsePath: (p: string) => parseStreamPath(p) },
    env: io.env,
    out: io.out,
    err: io.err,
    stdin: io.stdin ?? process.stdin,
  };
  try {
    const { values, positionals } = parsed;
    const code = await cmd.run(ctx, { values: values as Record<string, string | boolean | undefined>, positionals });
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    if ((err as Error)?.name === 'CommandUsageError') {
      io.err.write(cmd.usage.endsWith('\n') ? cmd.usage : `${cmd.usage}\n`);
      return 64;
    }
    if (!isXliveError(err)) throw err;
    io.err.write(`xlive ${offer.name}: ${err.message}\n`);
    return 1;
  } finally {
    opened?.close();
  }
}

/** Warnings and errors of a console command, to stderr. */
function consoleLogger(io: CliIo): Logger {
  const debug = io.env['XLIVE_LOG_LEVEL'] === 'debug';
  const write = (level: string) => (msg: string) => void io.err.write(`xlive: ${level}: ${msg}\n`);
  const log: Logger = {
    debug: debug ? write('debug') : () => undefined,
    info: debug ? write('info') : () => undefined,
    warn: write('warning'),
    error: write('error'),
    child: () => log,
    isLevelEnabled: (l) => l === 'warn' || l === 'error' || debug,
  };
  return log;
}
