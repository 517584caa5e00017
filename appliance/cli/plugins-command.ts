import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../core/config/config-loader.js';
import { PluginError, ValidationError } from '../../core/errors/xlive-error.js';
import { silentLogger } from '../../core/logging/logger.js';
import { apiCompatible } from '../../core/plugins/manifest.js';
import { discoverPlugins } from '../../core/plugins/plugin-discovery.js';
import type { PluginManifest } from '../../core/sdk/plugin.js';
import { closeDatabase, EventRepository, type SqliteDatabase } from '../../core/store/index.js';
import type { BuildInfo } from '../../core/container/tokens.js';
import type { Logger } from '../../core/logging/logger.js';
import { createPluginInstaller } from '../plugin-installer-wiring.js';
import { readBuildInfo } from '../build-info.js';
import { openStateDatabase, pluginEnablement } from '../composition-root.js';
import { askConsoleSocket, consoleSocketOf, type ConsoleSnapshot } from '../console-socket.js';
import { parseCommandArgs, UsageError, type CliIo, type CommandArgs } from './cli-args.js';
import { checkPlugin } from './plugin-check.js';
import { CORE_COMMANDS } from './plugin-commands.js';
import { newPlugin } from './scaffold/new-plugin.js';
import { SDK_PACKAGE, SDK_TARBALL_ENV } from './scaffold/sdk-package.js';

export const PLUGINS_USAGE = `usage: xlive plugins list                      what runs now (asked of the running box) and at the next start
       xlive plugins enable|disable ID…         at the next start; enabling a third-party plugin consents to its permissions
       xlive plugins install DIR|FILE.tgz [--update]   check, then install disabled (--update keeps its data)
       xlive plugins uninstall ID [--purge]     remove its code (--purge: and its data)
       xlive plugins new ID [--dir DIR] [--sdk FILE.tgz|DIR] [--no-link]
                                                scaffold a TypeScript plugin project in DIR (default ./ID)
       xlive plugins check DIR                  validate a plugin without starting the box (exit 0 ok, 1 problems)
`;

/**
 * `plugins list` (no plugin code is imported), `plugins enable|disable <id>…`, `plugins install
 * <dir|file.tgz> [--update]` and `plugins uninstall <id> [--purge]` (the box's PluginInstaller),
 * `plugins new <id>` (scaffold) and `plugins check <dir>`. Enabling a third-party plugin on the console
 * is the admin's consent to the permissions it declares: they are printed and stored. Works before the
 * box ever started (the database is created).
 */
export async function pluginsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub = 'list', ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    io.out.write(PLUGINS_USAGE);
    return 0;
  }
  if (sub === 'new') return newCommand(rest, io);
  if (sub === 'check') return await checkCommand(rest, io);
  if (!['list', 'enable', 'disable', 'install', 'uninstall'].includes(sub)) throw new UsageError(`unknown plugins command "${sub}"`, PLUGINS_USAGE);
  const a =
    sub === 'install'
      ? parseCommandArgs(rest, io, PLUGINS_USAGE, { update: { type: 'boolean', default: false } }, { min: 1, max: 1 })
      : sub === 'uninstall'
        ? parseCommandArgs(rest, io, PLUGINS_USAGE, { purge: { type: 'boolean', default: false } }, { min: 1, max: 1 })
        : parseCommandArgs(rest, io, PLUGINS_USAGE, {}, sub === 'list' ? { max: 0 } : { min: 1 });
  if (!a) return 0;
  const ids = a.positionals;
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const build = readBuildInfo();
  const log = silentLogger();
  const running = sub === 'list' ? await askConsoleSocket(consoleSocketOf(config.values.runtimeDir)) : undefined;
  const { db } = openStateDatabase(config.values, log);
  try {
    const events = new EventRepository(db);
    const enablement = pluginEnablement(db, config.values.pluginHost.disable, (message, data) =>
      events.append({ time: new Date().toISOString(), type: 'plugin.changed', severity: 'info', source: 'core', stream: null, message, data }),
    );
    const found = discoverPlugins([
      { path: build.builtinPluginsDir, source: 'builtin' },
      { path: config.values.pluginsDir, source: 'external' },
    ]);
    if (sub === 'install' || sub === 'uninstall') return await installCommand(sub, a, io, { config: config.values, build, db, log, events });
    if (sub === 'enable' || sub === 'disable') {
      const manifests = ids.map((id) => {
        const m = found.manifests.find((x) => x.id === id);
        if (!m) throw new ValidationError(`no plugin with a valid manifest and id "${id}" (see: xlive plugins list)`);
        return m;
      });
      for (const m of manifests) {
        const enable = sub === 'enable';
        enablement.set(m, enable, { actor: 'console', ip: 'local' }, enable ? m.permissions : undefined);
        io.out.write(`${m.id} ${sub}d; restart xlive to apply\n`);
        if (!enable && m.kinds.includes('auth')) io.err.write(authDisableWarning(m.id, config.values.auth.labMode));
        if (enable && m.source === 'external') io.out.write(consentText(m));
      }
      return 0;
    }
    if (running) {
      io.out.write(runningList(running));
      return 0;
    }
    const rows = found.manifests.map((m) => {
      const enabled = enablement.isEnabled(m);
      const pending = enablement.consent(m).consentPending ? ' CONSENT PENDING (xlive plugins enable ' + m.id + ')' : '';
      const api = apiCompatible(m, build.apiVersion) ? '' : ` API MISMATCH (needs ${m.apiVersion}, host ${build.apiVersion})`;
      return `${m.id.padEnd(20)} ${m.version.padEnd(9)} ${(enabled ? 'enabled' : 'disabled').padEnd(10)} ${m.source.padEnd(8)} ${m.kinds.join(',')}${api}${pending}`;
    });
    // The same source as the API's `enabledAfterRestart` (PluginEnablement); what runs now is `enabled` there.
    io.out.write(`xlive is not running (no answer on ${consoleSocketOf(config.values.runtimeDir)}): the SAVED state, what runs at the next start\n`);
    io.out.write(`${'ID'.padEnd(20)} ${'VERSION'.padEnd(9)} ${'NEXT-START'.padEnd(10)} ${'SOURCE'.padEnd(8)} KINDS\n${rows.join('\n')}\n`);
    for (const f of found.failures) io.out.write(`${f.id.padEnd(20)} invalid   ${f.error.code}: ${f.error.message}\n`);
    return 0;
  } finally {
    closeDatabase(db, log);
  }
}

/** The running box's list (the same as GET /api/v1/plugins): state now, a pending change, the error. */
function runningList(s: ConsoleSnapshot): string {
  const lines = [
    `xlive ${s.version} is running (pid ${s.pid}): STATE is what runs now, NEXT-START what runs after a restart`,
    `${'ID'.padEnd(20)} ${'VERSION'.padEnd(9)} ${'STATE'.padEnd(9)} ${'NEXT-START'.padEnd(10)} ${'SOURCE'.padEnd(8)} KINDS`,
  ];
  for (const p of s.plugins) {
    const next = p.enabledAfterRestart ? 'enabled' : 'disabled';
    let line = `${p.id.padEnd(20)} ${(p.version ?? '-').padEnd(9)} ${p.state.padEnd(9)} ${next.padEnd(10)} ${p.source.padEnd(8)} ${p.kinds.join(',')}`;
    if (p.pending) line += ` PENDING (${p.enabledAfterRestart ? 'enabled' : 'disabled'} at the next start; restart xlive to apply)`;
    if (p.consentPending) line += ` CONSENT PENDING (xlive plugins enable ${p.id})`;
    lines.push(line);
    if (p.error) lines.push(`${''.padEnd(20)} error ${p.error.code}: ${p.error.message}`);
  }
  return lines.join('\n') + '\n';
}

/** `plugins new <id> [--dir D] [--sdk FILE.tgz|DIR] [--no-link]`. */
function newCommand(args: string[], io: CliIo): number {
  const a = parseCommandArgs(args, io, PLUGINS_USAGE, { dir: { type: 'string' }, sdk: { type: 'string' }, 'no-link': { type: 'boolean', default: false } }, { min: 1, max: 1 });
  if (!a) return 0;
  const id = a.positionals[0]!;
  const build = readBuildInfo();
  const sdk = (a.values['sdk'] as string | undefined) ?? (io.env[SDK_TARBALL_ENV] || undefined);
  const r = newPlugin({
    id,
    dir: resolve(io.cwd, (a.values['dir'] as string | undefined) ?? id),
    apiVersion: build.apiVersion,
    packageRoot: build.packageRoot,
    ...(sdk && { sdk: resolve(io.cwd, sdk) }),
    link: a.values['no-link'] !== true,
  });
  io.out.write(`created the plugin project ${id} in ${r.dir}:\n${r.files.map((f) => `  ${f}`).join('\n')}\n`);
  io.out.write(`the SDK (${SDK_PACKAGE.name}, a devDependency): ${r.sdkSpec}\n`);
  if (r.linked.length > 0) io.out.write(`node_modules linked from this machine (works offline):\n${r.linked.map((l) => `  ${l}`).join('\n')}\n`);
  const next = r.linked.length > 0 && r.missing.length === 0 ? '' : '  npm install\n';
  io.out.write(`next:\n  cd ${r.dir}\n${next}  npm run build && npm test\n  xlive plugins check .\n  npm pack   # then: xlive plugins install <the .tgz>\n`);
  return 0;
}

/** `plugins check <dir>`: findings in words; exit 0 when none is a problem, else 1. */
async function checkCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseCommandArgs(args, io, PLUGINS_USAGE, {}, { min: 1, max: 1 });
  if (!a) return 0;
  const build = readBuildInfo();
  const config = loadConfig({ cwd: io.cwd, env: io.env }).values;
  const dir = resolve(io.cwd, a.positionals[0]!);
  const findings = await checkPlugin(dir, {
    hostApiVersion: build.apiVersion,
    packageRoot: build.packageRoot,
    limits: { maxEntries: config.pluginHost.maxPackageEntries, maxUnpackedBytes: config.pluginHost.maxPackageUnpackedBytes },
    coreCommands: CORE_COMMANDS,
  });
  for (const f of findings) (f.ok ? io.out : io.err).write(`${f.ok ? 'ok     ' : 'PROBLEM'} ${f.what}\n`);
  const problems = findings.filter((f) => !f.ok).length;
  io.out.write(problems === 0 ? `${dir}: the box would accept this plugin\n` : '');
  io.err.write(problems === 0 ? '' : `${dir}: ${problems} problem${problems === 1 ? '' : 's'}; the box would refuse this plugin\n`);
  return problems === 0 ? 0 : 1;
}

interface InstallContext {
  config: LoadedConfig['values'];
  build: BuildInfo;
  db: SqliteDatabase;
  log: Logger;
  events: EventRepository;
}

/** `install <dir|file.tgz> [--update]`, `uninstall <id> [--purge]`: the same checks and code as the API. */
async function installCommand(sub: 'install' | 'uninstall', args: CommandArgs, io: CliIo, x: InstallContext): Promise<number> {
  const { values, positionals } = args;
  const installer = createPluginInstaller({
    config: x.config,
    build: x.build,
    db: x.db,
    log: x.log,
    record: (type, message, data) => x.events.append({ time: new Date().toISOString(), type, severity: 'info', source: 'core', stream: null, message, data }),
  });
  const who = { actor: 'console', ip: 'local' };
  const arg = positionals[0]!;
  if (sub === 'uninstall') {
    const r = await installer.uninstall(arg, who, { purge: values['purge'] === true });
    io.out.write(`${r.id}${r.version ? ` ${r.version}` : ''} uninstalled${r.purged ? ', its data removed' : ' (its data is kept; --purge removes it)'}; restart xlive if it was running
`);
    return 0;
  }
  const path = resolve(io.cwd, arg);
  const opts = { update: values['update'] === true };
  if (!existsSync(path)) throw new ValidationError(`${path} does not exist; give a built plugin folder or its .tgz (npm pack)`);
  const st = statSync(path);
  if (st.isFile() && st.size > x.config.pluginHost.maxPackageBytes) {
    throw new PluginError('PLUGIN_PACKAGE_TOO_LARGE', `${path} is ${st.size} bytes; the limit is ${x.config.pluginHost.maxPackageBytes} (pluginHost.maxPackageBytes)`);
  }
  const r = st.isDirectory() ? installer.installDirectory(path, who, opts) : installer.installArchive(readFileSync(path), who, opts);
  const m = r.manifest;
  io.out.write(
    `${m.id} ${m.version} ${r.previousVersion ? `updated (was ${r.previousVersion})` : 'installed'} in ${m.dir}, disabled
` +
      `  it asks for: ${m.permissions.length ? m.permissions.join(', ') : '(no permissions)'}
` +
      `  to run it: xlive plugins enable ${m.id} (consents to those permissions), then restart xlive
`,
  );
  return 0;
}

/** What the admin consented to, in words. */
function consentText(m: PluginManifest): string {
  const perms = m.permissions.length === 0 ? '(none)' : m.permissions.join(', ');
  return (
    `  ${m.id} ${m.version} is a third-party plugin from ${m.dir}; you consented to its permissions: ${perms}\n` +
    `  it runs inside the xlive process with the service user's rights (see docs/security.md)\n`
  );
}

/** The console may disable the auth plugin (the API may not); it says loudly what that does. */
function authDisableWarning(id: string, labMode: boolean): string {
  const then = labMode
    ? 'auth lab mode is on, so with no auth plugin running the box will be OPEN to anyone who can reach it'
    : 'with no auth plugin running the box will REFUSE every API request, publish and play (503 AUTH_UNAVAILABLE)';
  return `WARNING: ${id} is an auth plugin. After the next restart ${then}, until you run "xlive plugins enable ${id}" and restart` +
    `${labMode ? '' : ', or choose lab mode on purpose (auth.labMode=true / XLIVE_AUTH_LAB_MODE=1)'}.\n`;
}
