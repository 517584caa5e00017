import { describeError, isXliveError } from '../../core/errors/xlive-error.js';
import { adminCommand } from './admin-command.js';
import { backupCommand, restoreCommand } from './backup-command.js';
import { configCheckCommand } from './config-check-command.js';
import { pluginsCommand } from './plugins-command.js';
import { serveCommand } from './serve-command.js';
import { updateCommand } from './update-command.js';
import { keysCommand } from './keys-command.js';
import { readBuildInfo } from '../build-info.js';

export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

const USAGE = `usage: xlive [command]

commands:
  serve                      run the appliance (default)
  config check               print the effective config and where each value came from
  plugins list               list plugins, their state and errors
  plugins enable|disable ID… enable or disable plugins (at the next start); enabling a third-party
                             plugin consents to the permissions it declares (they are printed)
  plugins install DIR|FILE.tgz   install a third-party plugin (checked first; installed disabled);
                             --update replaces an installed one and keeps its data
  plugins uninstall ID       remove a third-party plugin's code; --purge also removes its data
  admin create USER          create the admin account (password from stdin or XLIVE_ADMIN_PASSWORD)
  admin reset-password USER  set a new password for USER (and end their sessions)
  admin setup-code          print the first-boot setup code (setup then needs it)
  admin hash-password        print a password's hash (for admin.passwordHash in xlive-setup.json;
                             "admin create" takes one from XLIVE_ADMIN_PASSWORD_HASH)
  keys list                  the streams that have a stream key
  keys create APP/NAME       a stream key (printed once; XLIVE_STREAM_KEY=<32 chars> sets it)
  update FILE.deb            install a new version (as root, on a box installed from the package);
                             it rolls back by itself if the new version does not become ready
  backup FILE                one archive (tar.gz, 0600): databases (online backup), config files,
                             plugin secrets (jwt-secret…), external plugins; --db-only: the databases
                             only (FILE and FILE.<id>.db); --overwrite replaces FILE
  restore FILE               validate a backup archive, then put it in place (stop xlive first, or
                             restart it after); the previous state is kept in <dataDir>/before-restore
  version                    print the version
  help                       this text

environment: XLIVE_DATA_DIR, XLIVE_HTTP_PORT, XLIVE_HTTP_HOST, XLIVE_RTMP_PORT, XLIVE_LOG_LEVEL,
XLIVE_LOG_FORMAT=json, XLIVE_CONFIG_DIR, XLIVE_ENV, and XLIVE_<SECTION>_<KEY> for any config key.
`;

/** Dispatch a command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [cmd = 'serve', ...rest] = argv;
  try {
    switch (cmd) {
      case 'serve':
        return await serveCommand(io);
      case 'config':
        if (rest[0] !== 'check') break;
        return configCheckCommand(io);
      case 'plugins':
        return await pluginsCommand(rest, io);
      case 'admin':
        return await adminCommand(rest, io);
      case 'backup':
        if (!rest.some((a) => !a.startsWith('--'))) break;
        return await backupCommand(rest, io);
      case 'restore':
        if (!rest[0]) break;
        return await restoreCommand(rest, io);
      case 'keys':
        return await keysCommand(rest, io);
      case 'update':
        return await updateCommand(rest, io);
      case 'version':
      case '--version':
      case '-v': {
        const b = readBuildInfo();
        io.out.write(`${b.name} ${b.version} (plugin API ${b.apiVersion}, node ${process.versions.node})\n`);
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        io.out.write(USAGE);
        return 0;
    }
    io.err.write(`xlive: unknown command "${argv.join(' ')}"\n\n${USAGE}`);
    return 64;
  } catch (err) {
    io.err.write(`xlive: ${isXliveError(err) ? `${err.code}: ${err.message}` : describeError(err)}\n`);
    return isXliveError(err) && err.code === 'CONFIG_INVALID' ? 78 : 1;
  }
}
