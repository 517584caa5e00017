import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
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
import type { CliIo } from './run-cli.js';

/**
 * `plugins list` (no plugin code is imported), `plugins enable|disable <id>…`, `plugins install
 * <dir|file.tgz> [--update]` and `plugins uninstall <id> [--purge]` (the box's PluginInstaller). Enabling a
 * third-party plugin on the console is the admin's consent to the permissions it declares: they are
 * printed and stored. Works before the box ever started (the database is created).
 */
export async function pluginsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub = 'list', ...ids] = args;
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const build = readBuildInfo();
  const log = silentLogger();
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
    if (sub === 'install' || sub === 'uninstall') return await installCommand(sub, ids, io, { config: config.values, build, db, log, events });
    if (sub === 'enable' || sub === 'disable') {
      if (ids.length === 0) throw new ValidationError(`usage: xlive plugins ${sub} <id>… (see: xlive plugins list)`);
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
    if (sub !== 'list') throw new ValidationError(`unknown plugins command "${sub}" (list, enable, disable, install, uninstall)`);
    const rows = found.manifests.map((m) => {
      const enabled = enablement.isEnabled(m);
      const pending = enablement.consent(m).consentPending ? ' CONSENT PENDING (xlive plugins enable ' + m.id + ')' : '';
      const api = apiCompatible(m, build.apiVersion) ? '' : ` API MISMATCH (needs ${m.apiVersion}, host ${build.apiVersion})`;
      return `${m.id.padEnd(20)} ${m.version.padEnd(9)} ${(enabled ? 'enabled' : 'disabled').padEnd(10)} ${m.source.padEnd(8)} ${m.kinds.join(',')}${api}${pending}`;
    });
    // The same source as the API's `enabledAfterRestart` (PluginEnablement); what runs now is `enabled` there.
    io.out.write(`${'ID'.padEnd(20)} ${'VERSION'.padEnd(9)} ${'NEXT-START'.padEnd(10)} ${'SOURCE'.padEnd(8)} KINDS\n${rows.join('\n')}\n`);
    for (const f of found.failures) io.out.write(`${f.id.padEnd(20)} invalid   ${f.error.code}: ${f.error.message}\n`);
    return 0;
  } finally {
    closeDatabase(db, log);
  }
}

interface InstallContext {
  config: LoadedConfig['values'];
  build: BuildInfo;
  db: SqliteDatabase;
  log: Logger;
  events: EventRepository;
}

/** `install <dir|file.tgz> [--update]`, `uninstall <id> [--purge]`: the same checks and code as the API. */
async function installCommand(sub: 'install' | 'uninstall', args: string[], io: CliIo, x: InstallContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: sub === 'install' ? { update: { type: 'boolean', default: false } } : { purge: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) {
    throw new ValidationError(sub === 'install' ? 'usage: xlive plugins install <dir|file.tgz> [--update]' : 'usage: xlive plugins uninstall <id> [--purge]');
  }
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
