import { describeError, isXliveError } from '../../core/errors/xlive-error.js';
import { backupCommand, BACKUP_USAGE, restoreCommand, RESTORE_USAGE } from './backup-command.js';
import { configCheckCommand, CONFIG_USAGE } from './config-check-command.js';
import { pluginsCommand } from './plugins-command.js';
import { serveCommand, SERVE_USAGE } from './serve-command.js';
import { updateCommand } from './update-command.js';
import { readBuildInfo } from '../build-info.js';
import { parseCommandArgs, UsageError, type CliIo } from './cli-args.js';
import { CORE_COMMANDS, pluginCommandIndex, runPluginCommand } from './plugin-commands.js';

export type { CliIo } from './cli-args.js';

const USAGE = `usage: xlive [command] [--help]

commands:
  serve                      run the appliance (default)
  config check               print the effective config and where each value came from
  plugins list               list plugins: what runs now (asked of the running box) and at the next start
  plugins enable|disable ID… enable or disable plugins (at the next start); enabling a third-party
                             plugin consents to the permissions it declares (they are printed)
  plugins install DIR|FILE.tgz   install a third-party plugin (checked first; installed disabled);
                             --update replaces an installed one and keeps its data
  plugins uninstall ID       remove a third-party plugin's code; --purge also removes its data
  plugins new ID [--dir D]   scaffold a TypeScript plugin project (builds and tests as generated)
  plugins check DIR          validate a built plugin without starting the box
  update FILE.deb            install a new version (as root, on a box installed from the package);
                             it rolls back by itself if the new version does not become ready
  backup FILE                one archive (tar.gz, 0600): databases (online backup), config files,
                             plugin secrets (jwt-secret…), external plugins; --db-only: the databases
                             only (FILE and FILE.<id>.db); --overwrite replaces FILE
  restore FILE               validate a backup archive, then put it in place (stop xlive first, or
                             restart it after); the previous state is kept in <dataDir>/before-restore
  version                    print the version
  help                       this text
`;

const ENV_HELP = `
environment: XLIVE_DATA_DIR, XLIVE_HTTP_PORT, XLIVE_HTTP_HOST, XLIVE_RTMP_PORT, XLIVE_LOG_LEVEL,
XLIVE_LOG_FORMAT=json, XLIVE_CONFIG_DIR, XLIVE_ENV, and XLIVE_<SECTION>_<KEY> for any config key.
"xlive COMMAND --help" prints a command's usage.
`;

const VERSION_USAGE = 'usage: xlive version\n';

/** The usage text with the commands the enabled plugins contribute (admin, keys from auth-local, …). */
function fullUsage(io: CliIo): string {
  let extra = '';
  try {
    const { offers, refused } = pluginCommandIndex(io);
    if (offers.length > 0) extra += `\ncommands from plugins:\n${offers.map((o) => `  ${o.name.padEnd(26)} (${o.plugin.id}; xlive ${o.name} --help)`).join('\n')}\n`;
    if (refused.size > 0) extra += `\nrefused plugin commands:\n${[...refused.values()].map((r) => `  ${r}`).join('\n')}\n`;
  } catch (err) {
    extra += `\n(plugin commands unavailable: ${describeError(err)})\n`;
  }
  return USAGE + extra + ENV_HELP;
}

/** Dispatch a command; returns the exit code (0 done, 1 refused, 2 wrong arguments, 64 unknown command, 78 bad config). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [cmd = 'serve', ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve':
        if (!parseCommandArgs(rest, io, SERVE_USAGE, {}, { max: 0 })) return 0;
        return await serveCommand(io);
      case 'config': {
        const a = parseCommandArgs(rest, io, CONFIG_USAGE, {}, { min: 1, max: 1 });
        if (!a) return 0;
        if (a.positionals[0] !== 'check') throw new UsageError(`unknown config command "${a.positionals[0]}"`, CONFIG_USAGE);
        return configCheckCommand(io);
      }
      case 'plugins':
        return await pluginsCommand(rest, io);
      case 'backup':
        return await backupCommand(rest, io);
      case 'restore':
        return await restoreCommand(rest, io);
      case 'update':
        return await updateCommand(rest, io);
      case 'version':
      case '--version':
      case '-v': {
        if (!parseCommandArgs(rest, io, VERSION_USAGE, {}, { max: 0 })) return 0;
        const b = readBuildInfo();
        io.out.write(`${b.name} ${b.version} (plugin API ${b.apiVersion}, node ${process.versions.node})\n`);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        io.out.write(fullUsage(io));
        return 0;
    }
    if (!cmd.startsWith('-') && !CORE_COMMANDS.includes(cmd)) {
      const { offers, refused } = pluginCommandIndex(io);
      const offer = offers.find((o) => o.name === cmd);
      if (offer) return await runPluginCommand(offer, rest, io);
      const why = refused.get(cmd);
      if (why) {
        io.err.write(`xlive: ${why}\n`);
        return 64;
      }
    }
    io.err.write(`xlive: unknown command "${argv.join(' ')}"\n\n${fullUsage(io)}`);
    return 64;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`xlive ${cmd}: ${err.message}\n\n${err.usage}`);
      return 2;
    }
    io.err.write(`xlive: ${isXliveError(err) ? `${err.code}: ${err.message}` : describeError(err)}\n`);
    return isXliveError(err) && err.code === 'CONFIG_INVALID' ? 78 : 1;
  }
}
